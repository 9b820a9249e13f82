#pragma once
// The stored trials as the report reads them: typed records from the store, reduced to what the
// report plots with the knob settings they ran at, and what a policy's spec says about batching.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "greenbatch/trial/trial_record.h"

namespace greenbatch::report {

/// The machine a trial ran on, from its environment record ("unknown" for what it lacks). The
/// record does not name a GPU model yet: `device` is the backend's device (cpu, cuda:0, ...).
struct Machine {
  std::string host, cpu, device, backend, meters;
};

/// A setting besides the batching policy that changes energy and that every trial records; the
/// report compares its levels like policies.
enum class Knob {
  threads,            ///< intra-op threads (as asked, else the resolved count)
  precision,          ///< fp32, bf16, ... (trials from before precision was recorded: fp32)
  cpu_max_freq_khz,   ///< CPU frequency cap
  gpu_power_limit_w,  ///< GPU power limit
  gpu_clocks_mhz,     ///< GPU locked clocks
};

/// Every knob, in the order labels name them.
inline constexpr Knob kKnobs[] = {Knob::threads, Knob::precision, Knob::cpu_max_freq_khz, Knob::gpu_power_limit_w,
                                  Knob::gpu_clocks_mhz};

/// The knob's name as the trial's record spells it ("threads", "cpu_max_freq_khz", ...).
std::string_view to_string(Knob knob);

/// One trial's setting of one knob.
struct KnobLevel {
  Knob knob = Knob::threads;
  std::string value;  ///< as shown: "2", "bf16"; "none" for a power knob left as the machine had it
  double rank = 0.0;  ///< orders the levels: the number itself, "none" (no cap) above every number;
                      ///< fp32 before the other precisions
  /// Same knob, value and rank.
  bool operator==(const KnobLevel& other) const = default;
  /// By knob, rank, then value.
  std::partial_ordering operator<=>(const KnobLevel& other) const;
  /// "threads=2".
  [[nodiscard]] std::string label() const;
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
  std::vector<KnobLevel> knobs;  ///< its setting of every knob, in kKnobs order
};

/// The rows of stored trials (store::ResultStore::load_trials); the host comes from each
/// trial's environment record ("unknown" when it has none), the knobs from its configuration
/// (threads) and its requested settings (precision, CPU and GPU power settings).
std::vector<TrialRow> trial_rows(const std::vector<trial::TrialRecord>& trials);

/// What the report needs to know of a policy spec, from the typed batching::PolicySpec.
struct PolicyFacts {
  std::string family;              ///< fixed, greedy, dynamic, slo, or unknown (unparsable)
  std::optional<int> fixed_batch;  ///< B of fixed:B (a fixed batch size), else null
};

/// Every knob's level from a trial's `requested_json` and its resolved intra-op `threads`: threads
/// as asked when a count was asked for (the synthetic backend asked for 2 runs on 1 but is the
/// design's threads=2 cell), else the resolved count; absent or null keys (older trials): fp32, no
/// power setting.
std::vector<KnobLevel> knob_levels(int threads, const std::string& requested_json);

/// The facts of `spec` ("fixed:8,timeout=inf" -> {fixed, 8}).
PolicyFacts policy_facts(const std::string& spec);

/// Orders policies for axes and tables: fixed by batch size, then dynamic, greedy, slo.
bool policy_before(const std::string& a, const std::string& b);

}  // namespace greenbatch::report
