// Simulated against live: the same workload through the simulator, figure by figure.
#include "greenbatch/sim/validation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "greenbatch/batching/policy.h"
#include "greenbatch/core/error.h"
#include "greenbatch/sim/simulator.h"
#include "greenbatch/workload/arrival.h"

namespace greenbatch::sim {
namespace {

// Live batches slower or faster than the profile by more than this share are named as a reason.
constexpr double kServiceDriftNoted = 0.02;
// From this utilisation on, queueing multiplies a difference in service time (by 1/(1 − ρ)).
constexpr double kQueueingAmplifies = 0.5;

const profile::ProfileDocument* profile_for(const std::vector<profile::ProfileDocument>& profiles,
                                            const std::string& model) {
  for (const auto& doc : profiles) {
    for (const auto& cell : doc.cells) {
      if (cell.model == model) return &doc;
    }
  }
  return nullptr;
}

// A figure averaged over the simulations of one trial: null when any of them lacks it.
std::optional<double> mean_of(const std::vector<metrics::TrialSummary>& runs,
                              std::optional<double> metrics::TrialSummary::*figure) {
  double sum = 0.0;
  for (const auto& r : runs) {
    if (!(r.*figure)) return std::nullopt;
    sum += *(r.*figure);
  }
  return runs.empty() ? std::nullopt : std::optional(sum / static_cast<double>(runs.size()));
}

// The lowest and highest value of a figure over the simulations of one trial.
std::optional<SimRange> range_of(const std::vector<metrics::TrialSummary>& runs,
                                 std::optional<double> metrics::TrialSummary::*figure) {
  std::optional<SimRange> range;
  for (const auto& r : runs) {
    if (!(r.*figure)) return std::nullopt;
    const double x = *(r.*figure);
    range = range ? SimRange{std::min(range->low, x), std::max(range->high, x)} : SimRange{x, x};
  }
  return range;
}

// "live mean 93.8 ms lies within the range of 20 simulations ..." when a missed figure does.
std::optional<std::string> within_spread(const char* what, std::optional<double> live, std::optional<double> sim,
                                         const std::optional<SimRange>& range) {
  if (!live || !range || within_tolerance(live, sim) || *live < range->low || *live > range->high) return std::nullopt;
  return fmt::format(
      "live {} {:.3g} ms lies within the range of {} simulations of the same arrivals ({:.3g}-{:.3g} ms)", what, *live,
      kSimulationsPerTrial, range->low, range->high);
}

std::string percent(std::optional<double> e) { return e ? fmt::format("{:+.1f} %", *e * 100.0) : "n/a"; }

// How heavily the live trial loaded the server: the offered rate against the most the policy
// can serve with the profile's back-to-back latencies (fixed:B only in batches of B).
struct Load {
  double offered_rps = 0.0;
  double capacity_rps = 0.0;
  [[nodiscard]] double utilisation() const { return offered_rps / capacity_rps; }
};

Load load_of(const batching::Policy& policy, const ServiceModel& service, const std::vector<double>& schedule) {
  Load load;
  if (schedule.size() > 1 && schedule.back() > 0.0) {
    load.offered_rps = static_cast<double>(schedule.size()) / schedule.back();
  }
  const bool fixed = policy.settings().family == batching::PolicyFamily::fixed;
  for (std::size_t b = fixed ? service.max_batch() : 1; b <= service.max_batch(); ++b) {
    load.capacity_rps = std::max(load.capacity_rps, static_cast<double>(b) / service.mean_s(b));
  }
  return load;
}

// The live batches' service times against the profile's means at the same sizes after the same
// idle time: the mean relative difference (null without stored batches).
std::optional<double> service_drift(const std::vector<BatchRecord>& batches, const ServiceModel& service) {
  double sum = 0.0, previous_end_s = 0.0;
  std::size_t counted = 0;
  for (const auto& b : batches) {
    const double idle_s = b.start_s - previous_end_s;
    previous_end_s = b.end_s;
    if (b.size < 1 || static_cast<std::size_t>(b.size) > service.max_batch()) continue;
    sum += (b.end_s - b.start_s) / service.mean_s(static_cast<std::size_t>(b.size), idle_s) - 1.0;
    ++counted;
  }
  if (counted == 0) return std::nullopt;
  return sum / static_cast<double>(counted);
}

// Every figure outside the tolerance, then what the stored data say about why.
std::string explain(const trial::TrialRecord& live, const ValidationRow& v,
                    const std::vector<metrics::TrialSummary>& simulated, const profile::ProfileDocument& profile,
                    const ServiceModel& service, const Load& load) {
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

  const double rho = load.utilisation();
  if (rho >= 1.0) {
    reasons.push_back(fmt::format(
        "overloaded: requests arrived at {:.3g}/s and {} serves at most {:.3g}/s with the profile's latencies "
        "(utilisation {:.2f}), so the queue grew through the trial and response times follow its length and "
        "small differences in service time",
        load.offered_rps, live.config.policy, load.capacity_rps, rho));
  }
  const auto& s = live.summary;
  const auto sim_service_ms = mean_of(simulated, &metrics::TrialSummary::service_mean_ms);
  double sim_batch = 0.0;
  for (const auto& r : simulated) sim_batch += r.mean_batch_size / static_cast<double>(simulated.size());
  const auto drift = service_drift(live.batches, service);
  const bool batch_mean_differs = s.service_mean_ms && sim_service_ms &&
                                  !within_tolerance(s.service_mean_ms, sim_service_ms);
  const std::string service_cause =
      live.config.images != "none" && !profile.cells.front().includes_preprocess
          ? fmt::format(
                " (the live batches decoded and preprocessed their images, {}; the profile did not time "
                "that: profile with --include-preprocess)",
                live.config.images)
          : " (other load on the machine, a different thread count or device than the profile's, or batch sizes "
            "alternating where the profile ran each size back to back)";
  if (drift && std::abs(*drift) > kServiceDriftNoted) {
    std::string why = fmt::format(
        "live batches were {:.1f} % {} than the profile's batches of the same sizes after "
        "the same idle time{}",
        std::abs(*drift) * 100.0, *drift > 0.0 ? "slower" : "faster", service_cause);
    if (rho >= kQueueingAmplifies && rho < 1.0) {
      why += fmt::format("; at utilisation {:.2f} queueing multiplies that about {:.0f}-fold", rho, 1.0 / (1.0 - rho));
    }
    reasons.push_back(std::move(why));
  } else if (drift && batch_mean_differs) {
    reasons.push_back(fmt::format(
        "the batches differ, not their speed: live mean batch {:.2f} requests ({:.3g} ms), simulated {:.2f} ({:.3g} "
        "ms); batch formation near full load follows small differences in timing",
        s.mean_batch_size, *s.service_mean_ms, sim_batch, *sim_service_ms));
  } else if (!drift && batch_mean_differs) {
    reasons.push_back(fmt::format("time in service differs: live {:.3g} ms, simulated {:.3g} ms per batch{}",
                                  *s.service_mean_ms, *sim_service_ms, service_cause));
  }
  if (v.replay_mean_ms) {
    const bool replay_within = within_tolerance(v.live_mean_ms, v.replay_mean_ms) &&
                               within_tolerance(v.live_p95_ms, v.replay_p95_ms);
    reasons.push_back(fmt::format(
        "with the live batches' own service times, size by size, the simulation is {} 10 % (mean {}, p95 {}){}",
        replay_within ? "within" : "still outside", percent(relative_error(v.live_mean_ms, v.replay_mean_ms)),
        percent(relative_error(v.live_p95_ms, v.replay_p95_ms)),
        replay_within ? ": the miss comes from the profile's service times, not from queueing or batching" : ""));
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
        fmt::format("energy: live measured by {}, {} (the profile's); idle and batch power during the live "
                    "trial differ from the profile's",
                    v.live_energy_source, v.sim_energy_source));
  }
  std::vector<std::string> spread;
  for (auto&& why : {within_spread("mean", v.live_mean_ms, v.sim_mean_ms, v.sim_mean_range),
                     within_spread("p95", v.live_p95_ms, v.sim_p95_ms, v.sim_p95_range)}) {
    if (why) spread.push_back(*why);
  }
  if (!spread.empty()) {
    reasons.push_back(fmt::format("{}: the service-time noise of the profile alone moves this trial that far",
                                  fmt::join(spread, ", ")));
  }
  if (reasons.empty()) reasons.emplace_back("queueing variability of a short trial");
  return fmt::format("outside {:.0f} %: {}; {}", kValidationTolerance * 100.0, fmt::join(misses, ", "),
                     fmt::join(reasons, "; "));
}

// The profile's cells of `model` with the service times (dispatch to end) of the live batches put
// in, size by size, and no idle-gap cells: the live times already hold whatever idle time came
// before them. A live size the profile lacks gets a cell of its own (without energy).
profile::ProfileDocument with_live_service(const profile::ProfileDocument& doc, const std::string& model,
                                           const std::vector<BatchRecord>& batches) {
  std::map<int, std::vector<double>> live_ms;
  for (const auto& b : batches) {
    if (b.size >= 1 && b.end_s >= b.dispatch_s) live_ms[b.size].push_back((b.end_s - b.dispatch_s) * 1e3);
  }
  auto out = doc;
  out.cells = profile::model_cells(doc, model);
  const auto identity = out.cells.front();
  for (auto& cell : out.cells) cell.idle_gaps.clear();
  for (auto& [size, samples] : live_ms) {
    auto cell = std::ranges::find(out.cells, size, &profile::ProfileCell::batch_size);
    if (cell == out.cells.end()) {
      cell = out.cells.insert(std::ranges::upper_bound(out.cells, size, {}, &profile::ProfileCell::batch_size),
                              identity);
      cell->batch_size = size;
      cell->energy_per_batch_j = cell->dynamic_energy_per_batch_j = std::nullopt;
    }
    cell->latency_mean_ms = std::accumulate(samples.begin(), samples.end(), 0.0) / static_cast<double>(samples.size());
    cell->latency_samples_ms = std::move(samples);
  }
  return out;
}

// `policy` on `schedule`, kSimulationsPerTrial times with the service seeds seed, seed + 1, ...
struct Runs {
  std::vector<metrics::TrialSummary> summaries;
  bool interpolated = false;
};
Runs simulate_runs(const batching::Policy& policy, const ServiceModel& service, const std::vector<double>& schedule,
                   const trial::TrialConfig& c) {
  Runs runs;
  for (std::uint64_t r = 0; r < kSimulationsPerTrial; ++r) {
    auto result = simulate(policy, service, schedule,
                           {static_cast<std::size_t>(c.queue_capacity), std::nullopt, c.seed + r});
    runs.interpolated = runs.interpolated || result.interpolated;
    runs.summaries.push_back(std::move(result.record.summary));
  }
  return runs;
}

ValidationRow simulate_trial(const trial::TrialRecord& t, const profile::ProfileDocument& doc) {
  const auto& c = t.config;
  const auto policy = batching::make_policy(c.policy);
  auto arrival = workload::make_arrival(c.arrival, c.seed);
  const auto service = ServiceModel::from_profile(doc, c.model, policy->max_batch(), {false, true});
  // The live trial's finite schedule, simulated as it ran: an overloaded cell (a rate above the
  // policy's capacity) is compared too, not refused as an endless run would be.
  const auto schedule = workload::arrival_schedule(*arrival, c.requests, c.requests ? std::nullopt : c.duration_s);
  const auto [runs, interpolated] = simulate_runs(*policy, service, schedule, c);
  const auto& live = t.summary;
  ValidationRow v{t.trial_id,
                  c.model,
                  c.policy,
                  c.arrival,
                  live.response_mean_ms,
                  mean_of(runs, &metrics::TrialSummary::response_mean_ms),
                  live.response_p95_ms,
                  mean_of(runs, &metrics::TrialSummary::response_p95_ms),
                  live.response_p99_ms,
                  mean_of(runs, &metrics::TrialSummary::response_p99_ms),
                  live.energy_per_request_j,
                  mean_of(runs, &metrics::TrialSummary::energy_per_request_j),
                  live.energy_source,
                  runs.front().energy_source,
                  range_of(runs, &metrics::TrialSummary::response_mean_ms),
                  range_of(runs, &metrics::TrialSummary::response_p95_ms),
                  interpolated,
                  service.has_idle_gaps(),
                  false,
                  {}};
  v.within = within_tolerance(v.live_mean_ms, v.sim_mean_ms) && within_tolerance(v.live_p95_ms, v.sim_p95_ms) &&
             (!v.live_energy_j || within_tolerance(v.live_energy_j, v.sim_energy_j));
  if (!t.batches.empty()) {
    const auto live_service = ServiceModel::from_profile(with_live_service(doc, c.model, t.batches), c.model,
                                                         policy->max_batch(), {false, true});
    const auto replay = simulate_runs(*policy, live_service, schedule, c).summaries;
    v.replay_mean_ms = mean_of(replay, &metrics::TrialSummary::response_mean_ms);
    v.replay_p95_ms = mean_of(replay, &metrics::TrialSummary::response_p95_ms);
  }
  v.reasons = explain(t, v, runs, doc, service, load_of(*policy, service, schedule));
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

bool will_simulate(const trial::TrialRecord& trial, const std::vector<profile::ProfileDocument>& profiles) {
  return trial.status == trial::TrialStatus::ok && profile_for(profiles, trial.config.model) != nullptr;
}

Validation validate(const std::vector<trial::TrialRecord>& trials,
                    const std::vector<profile::ProfileDocument>& profiles) {
  Validation out;
  for (const auto& t : trials) {
    if (!will_simulate(t, profiles)) continue;
    try {
      out.rows.push_back(simulate_trial(t, *profile_for(profiles, t.config.model)));
    } catch (const Error& e) {
      out.skipped.push_back(
          fmt::format("{} ({} {} {}): {}", t.trial_id, t.config.model, t.config.policy, t.config.arrival, e.what()));
    }
  }
  return out;
}

}  // namespace greenbatch::sim
