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

#include "greenbatch/energy/energy_data.h"
#include "greenbatch/energy/meter.h"

namespace greenbatch::energy {

/// How the sampler runs.
struct SamplerOptions {
  double period_s = 0.010;        ///< time between background reads (the study used 10 ms)
  bool keep_trace = true;         ///< keep every power sample (for peak power and the trace)
  std::function<double()> clock;  ///< seconds; the steady clock when empty
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
  /// The sampler's clock now, s (the time base of marks and samples; the steady clock unless
  /// SamplerOptions::clock says otherwise). A trial reads it at its start to put samples on its clock.
  [[nodiscard]] double now() const;
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
