#pragma once
/// Energy data: domains, power samples, energy marks and windows, idle baselines and the
/// static/dynamic split. Plain values and pure functions only; the machinery that produces them
/// (meters, the sampler) lives in meter.h and sampler.h, so readers of results need not include it.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace greenbatch::energy {

/// What part of the machine a domain covers.
enum class DomainKind { package, cores, uncore, dram, psys, gpu };

/// The stable lower-case name of a domain kind ("package", "cores", ...).
std::string_view to_string(DomainKind kind);

/// One domain of the sampler: a meter's domain with the source it is measured by.
struct SampledDomain {
  std::string name;    ///< the meter's domain name ("package-0", "gpu-1", "cpu")
  std::string source;  ///< "rapl", "perf", "nvml" or "estimate"
  DomainKind kind = DomainKind::package;
  bool in_total = true;   ///< counted in totals (nested domains are not)
  std::size_t meter = 0;  ///< index of the meter that reads it
};

/// Average power per domain between two consecutive reads.
struct PowerSample {
  double time_s = 0.0;                       ///< end of the interval, sampler clock
  std::vector<std::optional<double>> watts;  ///< per SampledDomain; null once its meter failed
  std::optional<double> total_w;             ///< sum over in_total domains; null if any is null
};

/// Cumulative energy of every domain at one instant.
struct EnergyMark {
  double time_s = 0.0;                        ///< sampler clock
  std::vector<std::optional<double>> joules;  ///< per SampledDomain; null once its meter failed
};

/// Whether a window's energy can be trusted.
enum class WindowStatus {
  ok,
  short_window,  ///< shorter than a counter's update period: its energy is null, not 0 J
  meter_failed,  ///< a meter stopped mid-run: its energy is null, the other domains are kept
  no_meter,      ///< no meter was chosen
};

/// The stable lower-case name of a window status ("ok", "short_window", ...).
std::string_view to_string(WindowStatus status);

/// Energy of one domain over a window.
struct DomainEnergy {
  std::string name;              ///< domain name
  std::string source;            ///< its meter's source label
  bool in_total = true;          ///< counted in the total
  std::optional<double> joules;  ///< null when not measured (see the window's status)
};

/// Energy over [begin, end].
struct EnergyWindow {
  double seconds = 0.0;                ///< window length
  std::vector<DomainEnergy> domains;   ///< per SampledDomain
  std::optional<double> total_j;       ///< sum of in_total domains; null if any of them is null
  std::string source;                  ///< sources of the total, e.g. "rapl", "rapl+nvml", "estimate"
  std::optional<double> avg_power_w;   ///< total_j / seconds
  std::optional<double> peak_power_w;  ///< highest total power among the samples inside the window
  WindowStatus status = WindowStatus::ok;
  std::string detail;  ///< what went wrong, when status is not ok
};

/// Idle power measured over a window with no work.
struct IdleBaseline {
  double seconds = 0.0;           ///< how long idle power was measured
  std::optional<double> power_w;  ///< mean total power while idle; null when not measured
  std::string source;             ///< the meters' source labels, e.g. "rapl"
  std::string detail;             ///< why power_w is null, when it is
};

/// A window's energy split by the idle baseline.
struct EnergySplit {
  std::optional<double> total_j;    ///< measured (or estimated) energy of the window
  std::optional<double> static_j;   ///< idle power × window length
  std::optional<double> dynamic_j;  ///< total − static (can be slightly negative within noise)
};

/// The energy figures profiles and trials report for one window, with their source and status.
struct EnergyColumns {
  std::string source = "none";         ///< "rapl", "rapl+nvml", "estimate", ... or "none"
  std::string status = "no_meter";     ///< to_string(WindowStatus)
  EnergySplit split;                   ///< total, static and dynamic energy
  std::optional<double> idle_power_w;  ///< the baseline's power
  std::optional<double> avg_power_w;   ///< total / window length
  std::optional<double> peak_power_w;  ///< highest sampled total power in the window
  std::string by_domain;               ///< "package-0=12.5;cores-0=9.1" (J, nested domains included)
};

/// The figures of `window` split by `idle`.
EnergyColumns energy_columns(const EnergyWindow& window, const IdleBaseline& idle);

/// The baseline from a window measured while idle.
IdleBaseline baseline_from(const EnergyWindow& idle);

/// Splits `work` into static and dynamic energy; static and dynamic are null without a baseline.
EnergySplit split_energy(const EnergyWindow& work, const IdleBaseline& idle);

}  // namespace greenbatch::energy
