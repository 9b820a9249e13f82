#pragma once
/// The background sampler: one thread reads the chosen meters at a fixed period, keeps a power
/// trace, and measures energy over windows from counter differences at their exact ends.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "greenbatch/energy/meter.h"

namespace greenbatch::energy {

/// How the sampler runs.
struct SamplerOptions {
  double period_s = 0.010;          ///< time between background reads (the study used 10 ms)
  bool keep_trace = true;           ///< keep every power sample (for peak power and the trace)
  std::function<double()> clock;    ///< seconds; the steady clock when empty
};

/// One domain of the sampler: a meter's domain with the source it is measured by.
struct SampledDomain {
  std::string name;      ///< the meter's domain name ("package-0", "gpu-1", "cpu")
  std::string source;    ///< "rapl", "perf", "nvml" or "estimate"
  DomainKind kind = DomainKind::package;
  bool in_total = true;  ///< counted in totals (nested domains are not)
  std::size_t meter = 0; ///< index of the meter that reads it
};

/// Average power per domain between two consecutive reads.
struct PowerSample {
  double time_s = 0.0;                        ///< end of the interval, sampler clock
  std::vector<std::optional<double>> watts;   ///< per SampledDomain; null once its meter failed
  std::optional<double> total_w;              ///< sum over in_total domains; null if any is null
};

/// Cumulative energy of every domain at one instant.
struct EnergyMark {
  double time_s = 0.0;                        ///< sampler clock
  std::vector<std::optional<double>> joules;  ///< per SampledDomain; null once its meter failed
};

/// Whether a window's energy can be trusted.
enum class WindowStatus {
  ok,
  short_window,   ///< shorter than a counter's update period: its energy is null, not 0 J
  meter_failed,   ///< a meter stopped mid-run: its energy is null, the other domains are kept
  no_meter,       ///< no meter was chosen
};

/// The stable lower-case name of a window status ("ok", "short_window", ...).
std::string_view to_string(WindowStatus status);

/// Energy of one domain over a window.
struct DomainEnergy {
  std::string name;                 ///< domain name
  std::string source;               ///< its meter's source label
  bool in_total = true;             ///< counted in the total
  std::optional<double> joules;     ///< null when not measured (see the window's status)
};

/// Energy over [begin, end].
struct EnergyWindow {
  double seconds = 0.0;                 ///< window length
  std::vector<DomainEnergy> domains;    ///< per SampledDomain
  std::optional<double> total_j;        ///< sum of in_total domains; null if any of them is null
  std::string source;                   ///< sources of the total, e.g. "rapl", "rapl+nvml", "estimate"
  std::optional<double> avg_power_w;    ///< total_j / seconds
  std::optional<double> peak_power_w;   ///< highest total power among the samples inside the window
  WindowStatus status = WindowStatus::ok;
  std::string detail;                   ///< what went wrong, when status is not ok
};

/// Reads meters in a background thread. Thread-safe: mark(), window(), trace() and faults() may
/// be called from any thread while it runs. Owns the meters.
class Sampler {
 public:
  /// Takes the meters to read; does not start the thread.
  explicit Sampler(std::vector<std::unique_ptr<Meter>> meters, SamplerOptions options = {});
  /// Stops the thread.
  ~Sampler();
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  /// Starts the background thread (no-op when running).
  void start();
  /// Stops and joins the background thread (no-op when stopped).
  void stop();

  /// Every domain of every meter, in meter order.
  [[nodiscard]] const std::vector<SampledDomain>& domains() const { return domains_; }
  /// The meters' names joined with '+', or "none".
  [[nodiscard]] std::string meter_names() const;
  /// Reads every meter now and returns the cumulative energies: the exact end of a window.
  EnergyMark mark();
  /// Energy between two marks, with average and peak power from the trace between them.
  [[nodiscard]] EnergyWindow window(const EnergyMark& begin, const EnergyMark& end) const;
  /// The power samples with begin < time <= end.
  [[nodiscard]] std::vector<PowerSample> trace(double begin_s, double end_s) const;
  /// Drops the power samples up to `time_s` (after they were stored), so a long study does not
  /// keep every sample in memory.
  void discard_trace_before(double time_s);
  /// Every meter failure so far ("nvml failed at 12.3 s: ..."), in order.
  [[nodiscard]] std::vector<std::string> faults() const;
  /// CPU time the background thread has used, s (its overhead).
  [[nodiscard]] double thread_cpu_seconds() const { return thread_cpu_s_.load(); }
  /// Number of background and explicit reads so far.
  [[nodiscard]] std::size_t reads() const;

 private:
  struct MeterState;
  void run();
  double sample_locked();  // returns the time of the read
  [[nodiscard]] double now() const;

  std::vector<std::unique_ptr<Meter>> meters_;
  SamplerOptions options_;
  std::vector<SampledDomain> domains_;
  std::vector<MeterState> states_;
  std::vector<PowerSample> trace_;
  std::vector<std::string> faults_;
  std::size_t reads_ = 0;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool running_ = false;
  std::thread thread_;
  std::atomic<double> thread_cpu_s_{0.0};
};

}  // namespace greenbatch::energy
