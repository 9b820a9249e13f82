#pragma once
/// Internal to cli: recommend over profiles of several thread counts (batching × threads).

#include <string>
#include <vector>

#include "greenbatch/sim/recommender.h"

namespace greenbatch::cli {

/// Searches batching × threads over `profiles` (one per thread count) with `options`, and prints
/// each count's winner, the overall winner and the saving each knob gives, as text or (`json`) as
/// one JSON object. Throws InputError when no thread count has a policy meeting the SLO.
void recommend_threads(const std::vector<std::string>& profiles, const sim::RecommendOptions& options, bool json);

}  // namespace greenbatch::cli
