#pragma once
/// What a profile document tells the slo policy before any batch has run: the ServiceEstimate
/// seeded with its measured latencies, the default batch bound, and whether an SLO is feasible.

#include <cstddef>
#include <string>
#include <vector>

#include "greenbatch/batching/policy_spec.h"
#include "greenbatch/batching/service_estimate.h"
#include "greenbatch/profile/profile_document.h"

namespace greenbatch::sim {

/// A ServiceEstimate holding every measured batch latency of `cells` (one model's cells).
batching::ServiceEstimate estimate_from_profile(const std::vector<profile::ProfileCell>& cells);

/// The slo policy's default batch bound for `cells`: the batch size with the least energy per
/// request, or the largest measured size when some cell has no energy.
std::size_t slo_default_max(const std::vector<profile::ProfileCell>& cells);

/// `spec` made ready to run on the model of `cells` (of profile `path`): an slo spec gets its
/// default max when it has none. Throws InputError when the SLO less its margin is below the
/// fastest batch latency the profile measured at the spec's quantile (the message gives the
/// minimum feasible SLO). Other families come back unchanged.
batching::PolicySpec resolve_with_profile(batching::PolicySpec spec, const std::vector<profile::ProfileCell>& cells,
                                          const std::string& path);

}  // namespace greenbatch::sim
