#pragma once
/// Energy meters: cumulative joules per domain (CPU packages, cores, DRAM, psys, GPUs), read by
/// one thread (the Sampler). Every figure carries its source; an estimate is never a measurement.

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "greenbatch/energy/energy_data.h"

namespace greenbatch::energy {

/// One energy domain of a meter.
struct Domain {
  std::string name;  ///< unique within the meter, e.g. "package-0", "cores-0", "dram-1", "psys", "gpu-0"
  DomainKind kind = DomainKind::package;
  bool in_total = true;  ///< counted in the meter's total; false when nested in another domain
                         ///< (psys ⊇ package ⊇ cores/uncore), so nothing is counted twice
};

/// Cumulative energy since the meter was opened, wraparound already corrected.
struct Reading {
  double time_s = 0.0;         ///< when it was read, seconds on the meter's clock
  std::vector<double> joules;  ///< per domain, in the order of Meter::domains()
};

/// Raised by Meter::read when a meter stops working mid-run (a file vanished, a driver error).
/// The sampler records it and keeps the data gathered so far.
class MeterFault : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Where meters look for hardware, and the parameters of the estimate. Tests (and containers with
/// the host's sysfs mounted elsewhere) point the roots at another tree.
struct MeterOptions {
  std::filesystem::path sysfs_root = "/sys";       ///< GREENBATCH_SYSFS_ROOT
  std::filesystem::path dev_root = "/dev";         ///< GREENBATCH_DEV_ROOT
  std::filesystem::path proc_root = "/proc";       ///< GREENBATCH_PROC_ROOT
  std::string nvml_library = "libnvidia-ml.so.1";  ///< GREENBATCH_NVML_LIBRARY (name or path)
  std::optional<double> estimate_idle_w;           ///< GREENBATCH_ESTIMATE_IDLE_W: overrides the table
  std::optional<double> estimate_max_w;            ///< GREENBATCH_ESTIMATE_MAX_W: overrides the table
  std::function<double()> clock;                   ///< seconds; the steady clock when empty

  /// Defaults overridden by the GREENBATCH_* environment variables named above.
  static MeterOptions from_environment();
  /// The configured clock, or the steady clock.
  [[nodiscard]] double now_s() const;
};

/// A source of cumulative energy. Not thread-safe: one thread at a time calls read().
class Meter {
 public:
  virtual ~Meter() = default;
  /// The name used by `--meter` ("rapl", "rapl-msr", "perf", "nvml", "estimate").
  [[nodiscard]] virtual std::string_view name() const = 0;
  /// The label every figure carries: "rapl", "perf", "nvml" or "estimate".
  [[nodiscard]] virtual std::string_view source() const = 0;
  /// The domains, fixed when the meter is opened.
  [[nodiscard]] virtual const std::vector<Domain>& domains() const = 0;
  /// Reads every domain now; throws MeterFault when the meter has stopped working.
  virtual Reading read() = 0;
  /// The counter's update period, s: a window shorter than this is flagged, not reported.
  [[nodiscard]] virtual double resolution_s() const { return 0.0; }
  /// How notes about the open meter read (skipped zones, integration method); may be empty.
  [[nodiscard]] virtual std::string notes() const { return {}; }
};

/// The outcome of trying to open one kind of meter: a meter, or the reason there is none.
struct OpenResult {
  std::unique_ptr<Meter> meter;  ///< null when unavailable
  std::string reason;            ///< why unavailable: what is missing and the fix
};

}  // namespace greenbatch::energy
