#pragma once
// The columns of stored trials that the report reads, typed.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "greenbatch/store/table.h"

namespace greenbatch::report {

/// One stored trial, as the report sees it.
struct TrialRow {
  std::string trial_id, model, policy, arrival, status, energy_source;
  std::int64_t repetition = 0;
  std::optional<double> energy_per_request_j, dynamic_energy_per_request_j;
  std::optional<double> response_p50_ms, response_p95_ms, response_max_ms;
  std::optional<double> throughput_rps, avg_power_w;
  std::optional<double> response_mean_ms, service_mean_ms;  ///< for the simulator's validation
  std::optional<std::int64_t> requests_planned;             ///< the trial's length, as configured
  std::optional<double> duration_planned_s;
  std::uint64_t seed = 1;                                   ///< its arrivals' seed
  std::int64_t queue_capacity = 1024;
  std::int64_t late_requests = 0;                           ///< released more than 1 ms late
};

/// The rows of an exported trials table (store::ResultStore::read_table("trials")).
std::vector<TrialRow> trial_rows(const store::Table& trials);

/// Orders policies for axes and tables: fixed by batch size, then dynamic, then greedy.
bool policy_before(const std::string& a, const std::string& b);

}  // namespace greenbatch::report
