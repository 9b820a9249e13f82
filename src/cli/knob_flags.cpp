// The power-knob flags of a live trial or a profile.
#include "knob_flags.h"

#include "number_flags.h"

namespace greenbatch::cli {

void add_knob_flags(CLI::App& cmd, knobs::KnobSettings& knobs) {
  add_number_option(cmd, "--cpu-max-freq", knobs.cpu_max_freq_khz,
                    "cap the frequency of the CPUs this process may use, kHz, while it runs (cpufreq "
                    "scaling_max_freq; restored afterwards; see `greenbatch knobs`)",
                    NumberRange::at_least(1));
  add_number_option(cmd, "--gpu-power-limit", knobs.gpu_power_limit_w,
                    "NVML power limit of every GPU, W, while it runs (restored afterwards)", NumberRange::at_least(1));
  add_number_option(cmd, "--gpu-clocks", knobs.gpu_clocks_mhz,
                    "lock the graphics clock of every GPU, MHz, while it runs (unlocked afterwards)",
                    NumberRange::at_least(1));
}

}  // namespace greenbatch::cli
