#pragma once
// The perf_event "power" PMU meter, with its system-call layer injectable for tests.

#include <cstdint>
#include <functional>
#include <optional>

#include "greenbatch/energy/meter.h"

namespace greenbatch::energy {

/// The perf_event system calls the meter makes; tests substitute scripted counters.
struct PerfCounterOps {
  /// Opens a system-wide counter {type, config} on `cpu`; the fd, or -errno.
  std::function<int(std::uint32_t type, std::uint64_t config, int cpu)> open;
  /// The counter's current count; nullopt when reading fails.
  std::function<std::optional<std::uint64_t>(int fd)> read;
  /// Closes a counter that `open` returned.
  std::function<void(int fd)> close;
};

/// perf_event_open(2), read(2) and close(2).
PerfCounterOps system_perf_ops();

/// The power PMU meter over `ops` (open_perf_power(options) uses system_perf_ops()).
OpenResult open_perf_power(const MeterOptions& options, const PerfCounterOps& ops);

}  // namespace greenbatch::energy
