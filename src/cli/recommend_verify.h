#pragma once
/// Internal to cli: recommend --verify: the recommended policy run live, its measurements set
/// beside the simulator's predictions.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <ostream>

#include "greenbatch/profile/profile_document.h"
#include "greenbatch/sim/recommender.h"
#include "live_trial_runner.h"

namespace greenbatch::cli {

/// Runs `winner` live on the backend and meters `live` names, on the arrivals of `options` (its
/// arrival spec, seed and request count) with a queue of `queue_capacity`, and compares it with
/// sim::predict() on the same arrivals: p95, p99 and mean response time and energy per request,
/// each with its relative error (predicted − measured) / measured and whether that is within 10 %
/// (sim::relative_error, the definitions of `greenbatch validate`). Prints the comparison on
/// `text` when given and returns it as JSON. Notes on stderr where the live backend differs from
/// the profiled one. Throws Error when the backend failed mid-trial (after printing the text).
nlohmann::ordered_json verify_winner(const profile::ProfileDocument& document, const sim::RecommendOptions& options,
                                     const sim::Candidate& winner, std::size_t queue_capacity,
                                     const LiveTrialFlags& live, std::ostream* text);

}  // namespace greenbatch::cli
