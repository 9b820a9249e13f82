#pragma once
/// The recommender: searches batching policies in the simulator for the one with the least energy
/// per request whose predicted response-time percentile meets an SLO, and sets it beside two
/// reference points, no batching (fixed:1) and greedy batching up to the largest profiled size.
/// Pure: no I/O, no clocks, no meters.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "greenbatch/batching/policy_spec.h"
#include "greenbatch/core/fields.h"
#include "greenbatch/profile/profile_document.h"
#include "greenbatch/sim/service_model.h"

namespace greenbatch::sim {

/// Parses a comma-separated list of families ("fixed,greedy,dynamic,slo", any non-empty subset).
/// Throws UsageError naming an unknown family and listing the valid ones.
std::vector<batching::PolicyFamily> parse_policy_families(std::string_view list);

/// The response-time percentile an SLO bounds.
enum class SloPercentile { p95, p99 };

/// "p95" or "p99".
std::string_view to_string(SloPercentile percentile);

/// What to search, for which workload.
struct RecommendOptions {
  std::string model;                              ///< the profile's model (empty: its only model)
  std::string arrival;                            ///< arrival spec, e.g. "poisson:200"
  std::uint64_t seed = 1;                         ///< seeds the arrivals and the service draws, the same for every
                                                  ///< candidate (common random numbers)
  std::int64_t requests = 20'000;                 ///< simulated requests per candidate (> 0)
  SloPercentile percentile = SloPercentile::p95;  ///< which percentile the SLO bounds
  double slo_ms = 0.0;                            ///< the bound on that percentile, ms (> 0)
  std::vector<batching::PolicyFamily> families{batching::PolicyFamily::fixed, batching::PolicyFamily::greedy,
                                               batching::PolicyFamily::dynamic,
                                               batching::PolicyFamily::slo};  ///< families searched (non-empty)
  std::vector<double> delays_ms{1, 2, 5, 10, 20, 50, 100, 200};  ///< fixed's timeouts and dynamic's delays, ms
  std::vector<double> slo_margins{0.0, 0.1, 0.2, 0.3, 0.5};      ///< slo's margins, as shares of the SLO (< 1)
  std::optional<std::size_t> queue_capacity;  ///< queue bound (default: max(1024, largest profiled batch))
  ServiceOptions service;                     ///< mean or drawn service times; interpolation of missing sizes
};

/// One simulated candidate policy and what the simulator predicts for it.
struct Candidate {
  std::string policy;                                  ///< normalised spec, e.g. "dynamic:8,5"
  std::optional<double> response_p95_ms;               ///< predicted 95th percentile response time, ms
  std::optional<double> response_p99_ms;               ///< predicted 99th percentile response time, ms
  std::optional<double> response_mean_ms;              ///< predicted mean response time, ms
  std::optional<double> energy_per_request_j;          ///< predicted energy per served request, J
  std::optional<double> dynamic_energy_per_request_j;  ///< its part above idle power, J (null: no idle power)
  double throughput_rps = 0.0;                         ///< predicted served requests per second
  double mean_batch_size = 0.0;                        ///< predicted requests per batch
  std::int64_t rejected = 0;                           ///< requests the full queue refused
  bool meets_slo = false;                              ///< percentile <= SLO and nothing rejected
  bool interpolated = false;                           ///< some batch sizes were interpolated
};

/// The columns of a candidate row.
FieldTable<Candidate> fields(const Candidate*);

/// The candidate's predicted response time at `percentile`, ms (null when nothing was served).
std::optional<double> percentile_ms(const Candidate& candidate, SloPercentile percentile);

/// Why a candidate was not simulated or cannot win.
enum class SkipReason {
  missing_batch_sizes,  ///< it may dispatch batch sizes the profile lacks
  queue_capacity,       ///< its batch does not fit in the queue
  unstable,             ///< the arrival rate is at or above its maximum throughput
  missing_energy,       ///< the profile lacks the energy of a batch size it dispatched
};

/// "missing_batch_sizes", "queue_capacity", "unstable" or "missing_energy".
std::string_view to_string(SkipReason reason);

/// A candidate left out of the ranking, and why.
struct SkippedCandidate {
  std::string policy;                        ///< normalised spec
  SkipReason reason = SkipReason::unstable;  ///< the kind of reason
  std::string detail;                        ///< the full reason, as a sentence
  std::optional<double> max_throughput_rps;  ///< for unstable: the most it can sustain
};

/// A reference point, predicted whether or not it meets the SLO.
struct Reference {
  std::string policy;                    ///< "fixed:1" or "greedy:MAX"
  std::optional<Candidate> prediction;   ///< null when it could not be simulated
  std::string unavailable;               ///< why not (when prediction is null)
  std::optional<double> saving_percent;  ///< how much less energy per request the winner uses, % of this one's
};

/// How the search ended.
enum class RecommendStatus {
  ok,            ///< a winner meets the SLO
  infeasible,    ///< the SLO is below the fastest possible service; nothing was simulated
  no_candidate,  ///< no simulated candidate meets the SLO; the first ranked came closest
};

/// "ok", "infeasible" or "no_candidate".
std::string_view to_string(RecommendStatus status);

/// The outcome of a search.
struct Recommendation {
  RecommendStatus status = RecommendStatus::ok;  ///< see RecommendStatus
  std::string model;                             ///< the profiled model searched for
  std::string arrival;                           ///< normalised arrival spec
  std::optional<double> rate_rps;                ///< its mean rate (null for a trace without one)
  std::size_t queue_capacity = 0;                ///< the queue bound used
  double fastest_service_ms = 0.0;               ///< the profile's smallest mean batch latency: no response is faster
  std::size_t fastest_batch_size = 0;            ///< the batch size that has it
  std::string energy_source;                     ///< "simulated from <profile's source>"
  std::vector<Candidate> ranked;                 ///< those meeting the SLO first, by energy per request (ties: lower
                                                 ///< percentile, then search order), then the rest by rejections and
                                                 ///< percentile; the front is the winner (ok) or came closest
  std::vector<SkippedCandidate> skipped;         ///< in search order
  Reference no_batching;                         ///< fixed:1
  Reference greedy;                              ///< greedy up to the largest profiled batch size
  /// The winning candidate, or null unless status is ok.
  [[nodiscard]] const Candidate* winner() const { return status == RecommendStatus::ok ? &ranked.front() : nullptr; }
};

/// Searches, for `options.model` of `document` under `options.arrival`: fixed:B for every profiled
/// size B (and, for B > 1, with each timeout of the delay grid), greedy:B for every profiled B,
/// dynamic:B,D for every profiled B > 1 and delay D of the grid, slo:SLO,max=B,margin=m·SLO for
/// every profiled B > 1 and margin share m of the grid — the families asked for — on one
/// schedule of `options.requests` arrivals. Candidates that need unprofiled sizes (without
/// interpolation), do not fit the queue, are unstable at the arrival rate or lack energy are
/// skipped with the reason. Throws InputError when the profile has no energy, or when no candidate
/// can be simulated (for an unstable rate the message gives the highest rate any candidate
/// sustains); UsageError for a bad arrival spec.
Recommendation recommend(const profile::ProfileDocument& document, const RecommendOptions& options);

/// What the search predicts for one `policy` spec under `options` (families and delay grid aside):
/// the same schedule, seed and service model as a candidate of recommend() gets, so it reproduces
/// that candidate's prediction for the same options. Throws InputError when the policy
/// would be skipped (the reason), UsageError for a bad spec.
Candidate predict(const profile::ProfileDocument& document, const RecommendOptions& options, const std::string& policy);

}  // namespace greenbatch::sim
