// The workload flags shared by run and simulate.
#include "workload_flags.h"

#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include "greenbatch/core/error.h"
#include "greenbatch/sim/profile_estimate.h"
#include "greenbatch/trial/trial_builder.h"
#include "number_flags.h"

namespace greenbatch::cli {

void add_workload_flags(CLI::App& cmd, WorkloadFlags& flags) {
  cmd.add_option("--policy,-p", flags.policy, batching::kPolicySyntax);
  cmd.add_option("--arrival,-a", flags.arrival,
                 "jitter:RATE[,spread=S] | poisson:RATE | trace:FILE[,gaps] | onoff:RATE,ON_S,OFF_S")
      ->required();
  add_number_option(cmd, "--requests,-n", flags.requests, "requests in the trial",
                    NumberRange::between(1, static_cast<double>(workload::kMaxTrialRequests)));
  add_number_option(cmd, "--duration", flags.duration_s, "or: every arrival within this many seconds",
                    {0.0, true, workload::kMaxTrialSeconds, false});
  add_number_option(cmd, "--slo", flags.slo_ms,
                    "response-time objective, ms (for slo_attainment; default: an slo policy's MS)",
                    NumberRange::above(0.0));
  add_number_option(cmd, "--queue-capacity", flags.queue_capacity,
                    "bound of the request queue; arrivals beyond it are rejected (default: max(1024, batch size))",
                    NumberRange::between(1, static_cast<double>(workload::kMaxTrialRequests)));
}

Workload resolve_workload(const WorkloadFlags& flags, std::uint64_t seed,
                          const std::vector<profile::ProfileCell>& cells, const std::string& profile) {
  if (flags.requests.has_value() == flags.duration_s.has_value()) {
    throw UsageError("give exactly one of --requests N or --duration SECONDS");
  }
  if (flags.policy.empty()) throw UsageError("--policy is required (e.g. --policy greedy:16)");
  const auto spec = sim::resolve_with_profile(batching::PolicySpec::parse(flags.policy), cells, profile);
  Workload w{batching::make_policy(spec), workload::make_arrival(flags.arrival, seed), 0, flags.slo_ms};
  if (!w.slo_ms && spec.family == batching::PolicyFamily::slo) w.slo_ms = spec.slo_ms;
  const auto batch = static_cast<std::int64_t>(w.policy->max_batch());
  w.queue_capacity = flags.queue_capacity.value_or(trial::default_queue_capacity(w.policy->max_batch()));
  if (w.queue_capacity < batch) {
    throw UsageError(
        fmt::format("--queue-capacity {} is below the policy's batch size {} ({}), so a full batch "
                    "could never form; raise --queue-capacity",
                    w.queue_capacity, batch, w.policy->spec()));
  }
  return w;
}

}  // namespace greenbatch::cli
