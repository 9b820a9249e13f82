#pragma once
/// Internal to cli: the flags that describe a trial's workload — policy, arrival process, length,
/// SLO and queue bound — shared by run and simulate, and their validation.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "greenbatch/batching/policy.h"
#include "greenbatch/profile/profile_document.h"
#include "greenbatch/workload/arrival.h"

namespace CLI {
class App;
}  // namespace CLI

namespace greenbatch::cli {

/// Parsed workload flags.
struct WorkloadFlags {
  std::string policy;                          ///< --policy
  std::string arrival;                         ///< --arrival
  std::optional<std::int64_t> requests;        ///< --requests
  std::optional<double> duration_s;            ///< --duration
  std::optional<double> slo_ms;                ///< --slo
  std::optional<std::int64_t> queue_capacity;  ///< --queue-capacity
};

/// Adds the workload flags to `cmd`.
void add_workload_flags(CLI::App& cmd, WorkloadFlags& flags);

/// The policy, the arrival process (seeded) and the queue bound the flags describe.
struct Workload {
  std::unique_ptr<batching::Policy> policy;
  std::unique_ptr<workload::ArrivalProcess> arrival;
  std::int64_t queue_capacity = 0;  ///< the flag, or trial::default_queue_capacity()
  std::optional<double> slo_ms;     ///< --slo, or else the objective of an slo policy
};

/// Checks the flags (exactly one of --requests and --duration; a queue that can hold a full
/// batch; valid specs) and builds the workload. Throws UsageError naming the flag. With profile
/// `cells` (of file `profile`), an slo policy gets its default max from them and is checked
/// against their fastest latency (InputError).
Workload resolve_workload(const WorkloadFlags& flags, std::uint64_t seed,
                          const std::vector<profile::ProfileCell>& cells = {}, const std::string& profile = {});

}  // namespace greenbatch::cli
