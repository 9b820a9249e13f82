#pragma once
// The estimate meter's power model, exposed for tests: P = P_idle + (P_max − P_idle)·u.

#include <functional>
#include <memory>
#include <string>

#include "greenbatch/energy/meter.h"

namespace greenbatch::energy {

/// Parameters of the linear power model for the whole set of logical CPUs the machine shows.
struct EstimateModel {
  double idle_w = 0.0;  ///< power with no load, W
  double max_w = 0.0;   ///< power with every logical CPU busy, W
  std::string basis;    ///< where the parameters come from (table row, default or override)
};

/// Picks the model for `logical_cpus` CPUs named `cpu_model` (cpuinfo's "model name"): overrides
/// from `options` first, then the built-in per-CPU-family table, then the stated default.
EstimateModel estimate_model(const MeterOptions& options, int logical_cpus, const std::string& cpu_model);

/// An estimate meter with injected clocks: `cpu_seconds` is the process's CPU time (all threads),
/// `wall_seconds` the meter's clock; u = ΔCPU / (Δwall · logical_cpus), clamped to [0, 1].
std::unique_ptr<Meter> make_estimate_meter(EstimateModel model, int logical_cpus, std::function<double()> cpu_seconds,
                                           std::function<double()> wall_seconds);

}  // namespace greenbatch::energy
