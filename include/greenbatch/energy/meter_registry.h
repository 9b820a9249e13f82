#pragma once
/// The meter kinds greenbatch knows, probing them, and choosing meters for `--meter`.

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "greenbatch/energy/meter.h"

namespace greenbatch::energy {

/// One kind of meter.
struct MeterKind {
  std::string_view name;                    ///< the `--meter` name
  std::string_view covers;                  ///< "cpu" or "gpu": two meters of the same cover would count twice
  bool counter = true;                      ///< a hardware counter (false for the estimate)
  std::string_view description;             ///< one line for `greenbatch meters`
  OpenResult (*open)(const MeterOptions&);  ///< opens it, or says why it cannot
};

/// Every kind, in the order `--meter auto` prefers them (counters before the estimate).
std::span<const MeterKind> meter_kinds();

/// What probing one kind found on this machine.
struct Probe {
  std::string name;             ///< the kind's `--meter` name
  std::string covers;           ///< "cpu" or "gpu"
  std::string source;           ///< the source label its figures carry (empty when unavailable)
  bool available = false;       ///< it opened and read
  std::string reason;           ///< why not, with the fix (when unavailable)
  std::string notes;            ///< what it measures and how (when available)
  std::vector<Domain> domains;  ///< its domains (when available)
};

/// Tries to open every kind; never throws for an unavailable meter.
std::vector<Probe> probe_meters(const MeterOptions& options);

/// The names `--meter auto` picks from `probes`: the first available CPU counter (rapl, perf,
/// rapl-msr) or else the estimate, plus nvml when available.
std::vector<std::string> auto_selection(const std::vector<Probe>& probes);

/// A `--meter` selection, parsed once: auto, none, or named kinds.
struct MeterSelection {
  enum class Mode { automatic, none, named };
  Mode mode = Mode::automatic;
  std::vector<const MeterKind*> kinds;  ///< Mode::named: the kinds, at most one per hardware cover

  /// Parses "auto", "none" or NAME[,NAME...]. An unknown name, "none" or "auto" mixed with names,
  /// or two meters covering the same hardware is a UsageError listing the valid choices.
  static MeterSelection parse(std::string_view spec);
  /// The normalised spec ("auto", "none", "rapl,nvml").
  [[nodiscard]] std::string to_string() const;
};

/// Opens the meters `selection` names; a named meter that is unavailable is an UnsupportedError
/// carrying its reason and fix.
std::vector<std::unique_ptr<Meter>> open_meters(const MeterSelection& selection, const MeterOptions& options);
/// open_meters(MeterSelection::parse(spec), options).
std::vector<std::unique_ptr<Meter>> open_meters(std::string_view spec, const MeterOptions& options);

}  // namespace greenbatch::energy
