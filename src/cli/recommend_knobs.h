#pragma once
/// Internal to cli: recommend over profiles of several knob settings (batching × threads ×
/// precision × CPU cap × GPU power limit × GPU clocks).

#include <string>
#include <vector>

#include "greenbatch/sim/recommender.h"

namespace greenbatch::cli {

/// Searches batching × knobs over `profiles` (one per knob setting) with `options`,
/// and prints each setting's winner, the overall winner and the saving each knob gives, as text or
/// (`json`) as one JSON object. Throws InputError when no setting has a policy meeting the SLO.
void recommend_knobs(const std::vector<std::string>& profiles, const sim::RecommendOptions& options, bool json);

}  // namespace greenbatch::cli
