#pragma once
/// Arrival processes: when requests arrive during a trial (jittered rate, Poisson, trace replay,
/// on/off bursts). They know nothing about batching.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace greenbatch::workload {

/// The families of arrival processes.
enum class ArrivalKind { jitter, poisson, trace, onoff };

/// A source of request arrival times. Every process puts its first arrival one gap after t = 0
/// (a trace gives its times as written). Not thread-safe: one process feeds one trial from one
/// thread; it is stateful and consumed as it is read.
class ArrivalProcess {
 public:
  /// Destroys the process.
  virtual ~ArrivalProcess() = default;
  /// The next arrival in seconds since the start of the trial (non-decreasing), or nullopt once
  /// the process is exhausted (only a trace ends).
  virtual std::optional<double> next() = 0;
  /// The normalised spec that recreates this process, e.g. "jitter:100,spread=0.2".
  [[nodiscard]] virtual std::string spec() const = 0;
  /// Which family it is (what a caller asks instead of matching spec text).
  [[nodiscard]] virtual ArrivalKind kind() const = 0;
  /// Long-run arrival rate in requests/s; for a trace (count - 1) / (last - first), nullopt when
  /// it has fewer than two distinct times.
  [[nodiscard]] virtual std::optional<double> mean_rate() const = 0;
};

/// Builds a process from a spec: `jitter:RATE[,spread=S]`, `poisson:RATE`, `trace:FILE[,gaps]`
/// or `onoff:RATE,ON_S,OFF_S`. Random processes draw from std::mt19937_64 seeded with `seed`, so
/// a spec and a seed give the same times on every platform. Throws UsageError for a bad spec and
/// InputError for a missing or malformed trace file (naming the file and line).
std::unique_ptr<ArrivalProcess> make_arrival(std::string_view spec, std::uint64_t seed);

/// The most requests one trial may schedule (records stay within about 1 GB).
inline constexpr std::int64_t kMaxTrialRequests = 10'000'000;
/// The longest trial clock: no arrival may be scheduled this far (one week) from the start.
inline constexpr double kMaxTrialSeconds = 7 * 24 * 3600.0;

/// The arrival times of one trial: the first `requests` arrivals, or every arrival before
/// `duration_s`; exactly one of the two must be given, positive and within the limits above
/// (UsageError otherwise, also for an arrival past kMaxTrialSeconds, e.g. a trace in epoch
/// times). Stops early when the process is exhausted.
std::vector<double> arrival_schedule(ArrivalProcess& process, std::optional<std::int64_t> requests,
                                     std::optional<double> duration_s);

}  // namespace greenbatch::workload
