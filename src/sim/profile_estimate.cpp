// A profile's latencies as the slo policy's prior knowledge.
#include "greenbatch/sim/profile_estimate.h"

#include <fmt/format.h>

#include <algorithm>

#include "greenbatch/core/error.h"

namespace greenbatch::sim {

batching::ServiceEstimate estimate_from_profile(const std::vector<profile::ProfileCell>& cells) {
  batching::ServiceEstimate estimate;
  std::vector<double> seconds;
  for (const auto& cell : cells) {
    seconds.clear();
    for (const double ms : cell.latency_samples_ms) seconds.push_back(ms / 1e3);
    estimate.seed(static_cast<std::size_t>(cell.batch_size), seconds);
  }
  return estimate;
}

std::size_t slo_default_max(const std::vector<profile::ProfileCell>& cells) {
  std::size_t best = 0, largest = 0;
  double best_per_request = 0.0;
  bool energy = true;
  for (const auto& cell : cells) {
    const auto size = static_cast<std::size_t>(cell.batch_size);
    largest = std::max(largest, size);
    if (!cell.energy_per_batch_j) {
      energy = false;
      continue;
    }
    const double per_request = *cell.energy_per_batch_j / static_cast<double>(size);
    if (best == 0 || per_request < best_per_request) {
      best = size;
      best_per_request = per_request;
    }
  }
  return energy && best > 0 ? best : largest;
}

batching::PolicySpec resolve_with_profile(batching::PolicySpec spec, const std::vector<profile::ProfileCell>& cells,
                                          const std::string& path) {
  if (spec.family != batching::PolicyFamily::slo || cells.empty()) return spec;
  if (!spec.batch) spec.batch = slo_default_max(cells);
  const double fastest_ms = *estimate_from_profile(cells).fastest_s(spec.quantile) * 1e3;
  if (spec.slo_ms - spec.margin_ms < fastest_ms) {
    throw InputError(fmt::format(
        "policy {}: the objective less its margin ({:g} ms) is below the fastest batch latency that profile '{}' "
        "measured ({:.4g} ms at quantile {:g}), so no request could meet it; the minimum feasible SLO is {:.4g} ms "
        "(plus the margin)",
        spec.to_string(), spec.slo_ms - spec.margin_ms, path, fastest_ms, spec.quantile, fastest_ms));
  }
  return spec;
}

}  // namespace greenbatch::sim
