// Simulated against live: the same workload through the simulator, figure by figure.
#include "greenbatch/sim/validation.h"

#include <fmt/format.h>

#include <cmath>

#include "greenbatch/batching/policy.h"
#include "greenbatch/core/error.h"
#include "greenbatch/sim/simulator.h"
#include "greenbatch/workload/arrival.h"

namespace greenbatch::sim {
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

std::string percent(std::optional<double> e) { return e ? fmt::format("{:+.1f} %", *e * 100.0) : "n/a"; }

// Every figure outside the tolerance, then what the stored data say about why.
std::string explain(const trial::TrialRecord& live, const ValidationRow& v, const SimResult& simulated,
                    const profile::ProfileDocument& profile) {
  std::vector<std::string> misses, reasons;
  const auto miss = [&](const char* what, std::optional<double> measured, std::optional<double> sim) {
    if (measured && sim && !within_tolerance(measured, sim)) {
      misses.push_back(fmt::format("{} {}", what, percent(relative_error(measured, sim))));
    }
  };
  miss("mean", v.live_mean_ms, v.sim_mean_ms);
  miss("p95", v.live_p95_ms, v.sim_p95_ms);
  miss("p99", v.live_p99_ms, v.sim_p99_ms);
  miss("energy/request", v.live_energy_j, v.sim_energy_j);
  if (misses.empty()) return "";

  const auto& s = live.summary;
  const auto& sim = simulated.record.summary;
  if (const auto e = relative_error(s.service_mean_ms, sim.service_mean_ms); e && std::abs(*e) > kValidationTolerance) {
    std::string why = fmt::format("time in service differs: live {:.3g} ms, simulated {:.3g} ms per batch",
                                  *s.service_mean_ms, *sim.service_mean_ms);
    const bool profile_preprocessed = profile.cells.front().includes_preprocess;
    if (live.config.images != "none" && !profile_preprocessed) {
      why += fmt::format(
          " (the live batches decoded and preprocessed their images, {}; the profile did not time "
          "that: profile with --include-preprocess)",
          live.config.images);
    } else {
      why += " (other load on the machine, or a different thread count or device than the profile's)";
    }
    reasons.push_back(std::move(why));
  }
  if (!v.idle_gaps && v.sim_mean_ms && v.live_mean_ms && *v.sim_mean_ms < *v.live_mean_ms) {
    reasons.emplace_back(
        "the profile has no idle-gap cells, so batches after idle time were simulated as "
        "back-to-back ones (profile again with --idle-gaps)");
  }
  if (s.late_requests > 0) {
    reasons.push_back(
        fmt::format("{} requests were released more than 1 ms late in the live trial (the producer "
                    "thread competed for the CPU)",
                    s.late_requests));
  }
  if (v.interpolated) reasons.emplace_back("some batch sizes were interpolated between measured ones");
  if (v.live_energy_j && v.sim_energy_j && !within_tolerance(v.live_energy_j, v.sim_energy_j)) {
    reasons.push_back(
        fmt::format("energy: live measured by {}, simulated from the profile's {}; idle and batch power "
                    "during the live trial differ from the profile's",
                    v.live_energy_source, v.sim_energy_source));
  }
  if (reasons.empty()) reasons.emplace_back("queueing variability of a short trial");
  return fmt::format("outside {:.0f} %: {}; {}", kValidationTolerance * 100.0, fmt::join(misses, ", "),
                     fmt::join(reasons, "; "));
}

ValidationRow simulate_trial(const trial::TrialRecord& t, const profile::ProfileDocument& doc) {
  const auto& c = t.config;
  const auto policy = batching::make_policy(c.policy);
  auto arrival = workload::make_arrival(c.arrival, c.seed);
  const auto service = ServiceModel::from_profile(doc, c.model, policy->max_batch(), {false, true});
  // The live trial's finite schedule, simulated as it ran: an overloaded cell (a rate above the
  // policy's capacity) is compared too, not refused as an endless run would be.
  const auto schedule = workload::arrival_schedule(*arrival, c.requests, c.requests ? std::nullopt : c.duration_s);
  const auto result = simulate(*policy, service, schedule,
                               {static_cast<std::size_t>(c.queue_capacity), std::nullopt, c.seed});
  const auto& live = t.summary;
  const auto& sim = result.record.summary;
  ValidationRow v{t.trial_id,
                  c.model,
                  c.policy,
                  c.arrival,
                  live.response_mean_ms,
                  sim.response_mean_ms,
                  live.response_p95_ms,
                  sim.response_p95_ms,
                  live.response_p99_ms,
                  sim.response_p99_ms,
                  live.energy_per_request_j,
                  sim.energy_per_request_j,
                  live.energy_source,
                  sim.energy_source,
                  result.interpolated,
                  service.has_idle_gaps(),
                  false,
                  {}};
  v.within = within_tolerance(v.live_mean_ms, v.sim_mean_ms) && within_tolerance(v.live_p95_ms, v.sim_p95_ms) &&
             (!v.live_energy_j || within_tolerance(v.live_energy_j, v.sim_energy_j));
  v.reasons = explain(t, v, result, doc);
  return v;
}

}  // namespace

std::optional<double> relative_error(std::optional<double> measured, std::optional<double> simulated) {
  if (!measured || !simulated || *measured == 0.0) return std::nullopt;
  return (*simulated - *measured) / *measured;
}

bool within_tolerance(std::optional<double> measured, std::optional<double> simulated) {
  const auto e = relative_error(measured, simulated);
  return e && std::abs(*e) <= kValidationTolerance;
}

Validation validate(const std::vector<trial::TrialRecord>& trials,
                    const std::vector<profile::ProfileDocument>& profiles) {
  Validation out;
  for (const auto& t : trials) {
    if (t.status != trial::TrialStatus::ok) continue;
    const auto* doc = profile_for(profiles, t.config.model);
    if (doc == nullptr) continue;
    try {
      out.rows.push_back(simulate_trial(t, *doc));
    } catch (const Error& e) {
      out.skipped.push_back(
          fmt::format("{} ({} {} {}): {}", t.trial_id, t.config.model, t.config.policy, t.config.arrival, e.what()));
    }
  }
  return out;
}

}  // namespace greenbatch::sim
