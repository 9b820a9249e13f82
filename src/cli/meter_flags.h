#pragma once
/// Internal to cli: the flags that choose energy meters (--meter, --idle-seconds, --sample-ms),
/// shared by the commands that measure energy.

#include <memory>
#include <string>

#include "greenbatch/energy/baseline.h"
#include "greenbatch/energy/sampler.h"

namespace CLI {
class App;
}  // namespace CLI

namespace greenbatch::cli {

/// Parsed meter flags.
struct MeterFlags {
  std::string meter = "auto";  ///< --meter auto|none|NAME[,NAME]
  double idle_seconds = 2.0;   ///< --idle-seconds: idle baseline before the work (0 = none)
  double sample_ms = 10.0;     ///< --sample-ms: background sampling period
};

/// Adds the meter flags to `cmd`.
void add_meter_flags(CLI::App& cmd, MeterFlags& flags);

/// Opens the meters the flags name (roots from GREENBATCH_* variables), starts a sampler and
/// prints which meters it uses on stderr; an estimate is announced as one.
std::unique_ptr<energy::Sampler> start_sampler(const MeterFlags& flags);

/// Measures the idle baseline the flags ask for, with progress on stderr.
energy::IdleBaseline measure_idle_baseline(const MeterFlags& flags, energy::Sampler& sampler);

}  // namespace greenbatch::cli
