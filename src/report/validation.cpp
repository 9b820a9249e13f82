// Simulated against live: the same workload through the simulator, figure by figure.
#include "validation.h"

#include <cmath>

#include <fmt/format.h>

#include "greenbatch/core/error.h"
#include "greenbatch/sim/simulator.h"

namespace greenbatch::report {
namespace {

const profile::ProfileDocument* profile_for(const std::vector<profile::ProfileDocument>& profiles,
                                            const std::string& model) {
  for (const auto& doc : profiles) {
    for (const auto& cell : doc.cells) {
      if (cell.model == model) return &doc;
    }
  }
  return nullptr;
}

bool close(std::optional<double> live, std::optional<double> simulated) {
  const auto e = relative_error(live, simulated);
  return e && std::abs(*e) <= kValidationTolerance;
}

// What the stored data say about a disagreement.
std::string explain(const TrialRow& live, const ValidationRow& v, const metrics::TrialSummary& simulated) {
  std::vector<std::string> reasons;
  if (const auto e = relative_error(live.service_mean_ms, simulated.service_mean_ms); e && std::abs(*e) > kValidationTolerance) {
    reasons.push_back(fmt::format("service time differs: live {:.3g} ms, profile {:.3g} ms per batch (was the profile "
                                  "made with --include-preprocess? other load on the machine?)",
                                  *live.service_mean_ms, *simulated.service_mean_ms));
  }
  if (live.late_requests > 0) {
    reasons.push_back(fmt::format("{} requests were released late in the live trial", live.late_requests));
  }
  if (v.interpolated) reasons.emplace_back("some batch sizes were interpolated");
  if (!close(v.live_energy_j, v.sim_energy_j) && v.live_energy_j && v.sim_energy_j) {
    reasons.emplace_back("energy: idle and batch power during the live trial differ from the profile's");
  }
  if (reasons.empty()) reasons.emplace_back("queueing variability of a short trial");
  return fmt::format("{}", fmt::join(reasons, "; "));
}

}  // namespace

std::optional<double> relative_error(std::optional<double> live, std::optional<double> simulated) {
  if (!live || !simulated || *live == 0.0) return std::nullopt;
  return (*simulated - *live) / *live;
}

Validation validate(const std::vector<TrialRow>& rows, const std::vector<profile::ProfileDocument>& profiles) {
  Validation out;
  for (const auto& r : rows) {
    if (r.status != "ok") continue;
    const auto* doc = profile_for(profiles, r.model);
    if (doc == nullptr) continue;
    try {
      const auto policy = batching::make_policy(r.policy);
      auto arrival = workload::make_arrival(r.arrival, r.seed);
      const auto service = sim::ServiceModel::from_profile(*doc, r.model, policy->max_batch(), {false, true});
      const auto result = sim::simulate(*policy, service, *arrival, r.requests_planned,
                                        r.requests_planned ? std::nullopt : r.duration_planned_s,
                                        {static_cast<std::size_t>(r.queue_capacity), std::nullopt, r.seed});
      const auto& s = result.record.summary;
      ValidationRow v{r.trial_id, r.model, r.policy, r.arrival, r.response_mean_ms, s.response_mean_ms,
                      r.response_p95_ms, s.response_p95_ms, r.energy_per_request_j, s.energy_per_request_j,
                      result.interpolated, false, {}};
      v.within = close(v.live_mean_ms, v.sim_mean_ms) && close(v.live_p95_ms, v.sim_p95_ms) &&
                 (!v.live_energy_j || close(v.live_energy_j, v.sim_energy_j));
      if (!v.within) v.reasons = explain(r, v, s);
      out.rows.push_back(std::move(v));
    } catch (const Error& e) {
      out.skipped.push_back(fmt::format("{} ({} {} {}): {}", r.trial_id, r.model, r.policy, r.arrival, e.what()));
    }
  }
  return out;
}

}  // namespace greenbatch::report
