#pragma once
/// Internal to cli: the power-knob flags of a live trial or a profile.

#include <CLI/CLI.hpp>

#include "greenbatch/knobs/knob_settings.h"

namespace greenbatch::cli {

/// Adds --cpu-max-freq KHZ, --gpu-power-limit W and --gpu-clocks MHZ to `cmd`; the command holds
/// them with knobs::AppliedKnobs while it runs.
void add_knob_flags(CLI::App& cmd, knobs::KnobSettings& knobs);

}  // namespace greenbatch::cli
