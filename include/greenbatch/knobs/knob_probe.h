#pragma once
/// What each power knob looks like on this machine: available (its value and allowed range) or
/// unavailable with why and the fix — like `greenbatch meters` for meters.

#include <optional>
#include <string>
#include <vector>

#include "greenbatch/knobs/knob_settings.h"

namespace greenbatch::knobs {

/// One knob as probed.
struct KnobProbe {
  std::string name;          ///< the flag that sets it ("--cpu-max-freq")
  std::string study_factor;  ///< its study-file list ("cpu_max_freqs"), empty when it has none
  std::string unit;          ///< "kHz", "W" or "MHz"
  bool available = false;    ///< it can be read and set here
  std::string reason;        ///< why not, with the fix (when unavailable)
  std::string current;       ///< the value now, with its unit and where ("3000000 kHz on 2 CPUs"; when available)
  double min = 0;            ///< the smallest allowed value, in `unit` (when available)
  double max = 0;            ///< the largest allowed value, in `unit` (when available)
};

/// Probes every knob; never throws for an unavailable one.
std::vector<KnobProbe> probe_knobs(const KnobOptions& options);

}  // namespace greenbatch::knobs
