#pragma once
// The stored trials as the report reads them: typed records from the store, reduced to what the
// report plots, and what a policy's spec says about batching.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "greenbatch/trial/trial_record.h"

namespace greenbatch::report {

/// The machine a trial ran on, from its environment record ("unknown" for what it lacks). The
/// record does not name a GPU model yet: `device` is the backend's device (cpu, cuda:0, ...).
struct Machine {
  std::string host, cpu, device, backend, meters;
};

/// One stored trial, as the report sees it.
struct TrialRow {
  std::string trial_id, model, policy, arrival, energy_source;
  trial::TrialStatus status = trial::TrialStatus::ok;
  std::string host;  ///< the machine it ran on (environment record)
  Machine machine;   ///< what that machine is
  std::int64_t repetition = 0;
  std::optional<double> energy_per_request_j, dynamic_energy_per_request_j;
  std::optional<double> response_p50_ms, response_p95_ms, response_max_ms;
  std::optional<double> throughput_rps, avg_power_w;
  double mean_batch_size = 0.0;  ///< served / batches
  std::optional<double> slo_ms;  ///< the response-time objective it ran with
};

/// The rows of stored trials (store::ResultStore::load_trials); the host comes from each
/// trial's environment record ("unknown" when it has none).
std::vector<TrialRow> trial_rows(const std::vector<trial::TrialRecord>& trials);

/// What the report needs to know of a policy spec, from the typed batching::PolicySpec.
struct PolicyFacts {
  std::string family;              ///< fixed, greedy, dynamic, slo, or unknown (unparsable)
  std::optional<int> fixed_batch;  ///< B of fixed:B (a fixed batch size), else null
};

/// The facts of `spec` ("fixed:8,timeout=inf" -> {fixed, 8}).
PolicyFacts policy_facts(const std::string& spec);

/// Orders policies for axes and tables: fixed by batch size, then dynamic, greedy, slo.
bool policy_before(const std::string& a, const std::string& b);

}  // namespace greenbatch::report
