#pragma once
/// The idle baseline: the power a machine burns with no work, so that the energy the work caused
/// (dynamic) is told apart from the energy it would have burnt anyway (static).

#include <optional>
#include <string>

#include "greenbatch/energy/sampler.h"

namespace greenbatch::energy {

/// Idle power measured over a window with no work.
struct IdleBaseline {
  double seconds = 0.0;            ///< how long idle power was measured
  std::optional<double> power_w;   ///< mean total power while idle; null when not measured
  std::string source;              ///< the meters' source labels, e.g. "rapl"
  std::string detail;              ///< why power_w is null, when it is
};

/// A window's energy split by the idle baseline.
struct EnergySplit {
  std::optional<double> total_j;    ///< measured (or estimated) energy of the window
  std::optional<double> static_j;   ///< idle power × window length
  std::optional<double> dynamic_j;  ///< total − static (can be slightly negative within noise)
};

/// The energy figures profiles and trials report for one window, with their source and status.
struct EnergyColumns {
  std::string source = "none";           ///< "rapl", "rapl+nvml", "estimate", ... or "none"
  std::string status = "no_meter";       ///< to_string(WindowStatus)
  EnergySplit split;                     ///< total, static and dynamic energy
  std::optional<double> idle_power_w;    ///< the baseline's power
  std::optional<double> avg_power_w;     ///< total / window length
  std::optional<double> peak_power_w;    ///< highest sampled total power in the window
  std::string by_domain;                 ///< "package-0=12.5;cores-0=9.1" (J, nested domains included)
};

/// The figures of `window` split by `idle`.
EnergyColumns energy_columns(const EnergyWindow& window, const IdleBaseline& idle);

/// The baseline from a window measured while idle.
IdleBaseline baseline_from(const EnergyWindow& idle);

/// Sleeps `seconds` between two marks of `sampler` (which should be running) and returns the
/// idle baseline. With seconds <= 0 it returns an empty baseline (power null).
IdleBaseline measure_idle(Sampler& sampler, double seconds);

/// Splits `work` into static and dynamic energy; static and dynamic are null without a baseline.
EnergySplit split_energy(const EnergyWindow& work, const IdleBaseline& idle);

}  // namespace greenbatch::energy
