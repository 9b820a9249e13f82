#pragma once
/// Searching batching × threads: one profile per thread count, each searched by the recommender;
/// the least energy per request within the SLO over all of them, and how much of the saving each
/// knob gives.

#include <optional>
#include <string>
#include <vector>

#include "greenbatch/profile/profile_document.h"
#include "greenbatch/sim/recommender.h"

namespace greenbatch::sim {

/// The outcome of searching several profiles that differ in their thread count.
struct KnobSearch {
  std::vector<int> threads;                 ///< each profile's thread count, in the order given
  std::vector<Recommendation> per_profile;  ///< each profile's search, in the order given
  std::optional<std::size_t> winner;      ///< the profile whose winner uses the least energy (null: none meets the SLO)
  std::size_t default_profile = 0;        ///< the profile with the most threads (what threads = 0 gives)
  Reference same_policy_default_threads;  ///< the winning policy at the default thread count
  Reference no_batching_same_threads;     ///< fixed:1 at the winning thread count
};

/// Searches every document (one model; each of one thread count, all different) with `options`;
/// the savings are the winner's against each reference, % of the reference's energy per request.
/// Throws UsageError for fewer than two documents or a repeated thread count, and what
/// recommend() throws.
KnobSearch search_threads(const std::vector<profile::ProfileDocument>& documents, const RecommendOptions& options);

}  // namespace greenbatch::sim
