#pragma once
/// The summary metrics of a trial, computed from its request and batch records and its energy
/// window: pure functions, no measuring (a live trial, the simulator and serve all use them).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "greenbatch/core/request.h"
#include "greenbatch/energy/energy_data.h"

namespace greenbatch::metrics {

/// The metrics of one trial (definitions in the README, "run metrics").
struct TrialSummary {
  std::int64_t requests = 0;     ///< scheduled
  std::int64_t served = 0;       ///< completed
  std::int64_t rejected = 0;     ///< refused by the full queue
  std::int64_t batches = 0;      ///< batches run
  double duration_s = 0.0;       ///< first arrival to last completion
  double throughput_rps = 0.0;   ///< served / duration
  double mean_batch_size = 0.0;  ///< served / batches
  std::optional<double> response_mean_ms, response_p50_ms, response_p90_ms, response_p95_ms, response_p99_ms,
      response_max_ms;                                    ///< completion − arrival over served requests
  std::optional<double> wait_mean_ms, wait_p95_ms;        ///< start − arrival: time queued
  std::optional<double> service_mean_ms, service_p95_ms;  ///< completion − start: time in service
  double lateness_max_ms = 0.0;          ///< worst release delay of the producer (arrival − scheduled)
  std::int64_t late_requests = 0;        ///< released more than 1 ms after their scheduled time
  std::optional<double> slo_attainment;  ///< share of scheduled requests served within the SLO
  std::string energy_source = "none";    ///< see the profile columns
  std::string energy_status = "no_meter";
  std::optional<double> energy_j, static_energy_j, dynamic_energy_j;         ///< over the trial's window
  std::optional<double> energy_per_request_j, dynamic_energy_per_request_j;  ///< per served request
  std::optional<double> idle_power_w, avg_power_w, peak_power_w;
  std::string energy_by_domain_j;  ///< "package-0=12.5;dram-0=1.25"
};

/// Computes the summary from the request and batch records, the trial's energy window and the
/// idle baseline measured before it. `slo_ms` is optional.
TrialSummary summarize(const std::vector<RequestRecord>& requests, const std::vector<BatchRecord>& batches,
                       const energy::EnergyWindow& window, const energy::IdleBaseline& idle,
                       std::optional<double> slo_ms);

}  // namespace greenbatch::metrics
