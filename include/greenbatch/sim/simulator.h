#pragma once
/// The discrete-event simulator: the same Policy objects as a live trial, driven on a virtual
/// clock by a service model instead of a backend. It produces the same records and summary as a
/// live trial, with energy from the profile (labelled "simulated from <source>").

#include <cstdint>
#include <optional>
#include <vector>

#include "greenbatch/batching/policy.h"
#include "greenbatch/sim/service_model.h"
#include "greenbatch/trial/trial_record.h"
#include "greenbatch/workload/arrival.h"

namespace greenbatch::sim {

/// How to run one simulated trial.
struct SimOptions {
  std::size_t queue_capacity = 1024;   ///< bound of the request queue; arrivals beyond it are rejected
  std::optional<double> slo_ms;        ///< for slo_attainment
  std::uint64_t seed = 1;              ///< seed of the service-time draws
  batching::ServiceEstimate estimate;  ///< service times the policy knows before the first batch (e.g.
                                       ///< seeded from a profile); each simulated batch is added to a copy
};

/// One simulated trial.
struct SimResult {
  trial::TrialRecord record;  ///< requests, batches and summary as a live trial gives them; status_detail
                              ///< says what was simulated; config and environment are the caller's
  bool interpolated = false;  ///< some batch sizes' service times or energy were interpolated
  bool idle_energy = false;   ///< the energy includes idle power between batches (false: batch
                              ///< energies only, or no energy at all)
  std::vector<batching::DispatchReason> dispatch_reasons;  ///< why each batch was dispatched, in batch order
};

/// The highest rate the server can sustain under `policy`: the maximum over the batch sizes it
/// may dispatch (1..min(max batch, queue capacity)) of b / mean service time(b), requests/s
/// (infinite when some size takes no time).
double max_throughput_rps(const batching::Policy& policy, const ServiceModel& service, std::size_t queue_capacity);

/// Throws InputError when `rate_rps` is at or above max_throughput_rps(): the queue would grow
/// without bound. The message gives both rates.
void check_stable(double rate_rps, const batching::Policy& policy, const ServiceModel& service,
                  std::size_t queue_capacity);

/// Simulates requests arriving at `schedule` (s, non-decreasing). The policy is asked whenever the
/// server is free and something happened: an arrival, a completion, or the wake-up time it asked
/// for. Like the runtime worker, it feeds each batch's (size, service time) to the policy's
/// ServiceEstimate. `service` must cover the policy's batches (max_batch() >= min(policy max, capacity)).
/// Deterministic: the same inputs and seed give the same result.
SimResult simulate(const batching::Policy& policy, const ServiceModel& service, const std::vector<double>& schedule,
                   const SimOptions& options);

/// Checks stability at `arrival`'s mean rate (when it has one), then simulates the schedule of
/// `requests` arrivals or of every arrival before `duration_s` (as workload::arrival_schedule).
SimResult simulate(const batching::Policy& policy, const ServiceModel& service, workload::ArrivalProcess& arrival,
                   std::optional<std::int64_t> requests, std::optional<double> duration_s, const SimOptions& options);

}  // namespace greenbatch::sim
