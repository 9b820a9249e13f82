#pragma once
/// Measuring the idle baseline: the power a machine burns with no work (the data types and the
/// static/dynamic split are in energy_data.h).

#include "greenbatch/energy/energy_data.h"
#include "greenbatch/energy/sampler.h"

namespace greenbatch::energy {

/// Sleeps `seconds` between two marks of `sampler` (which should be running) and returns the
/// idle baseline. With seconds <= 0 it returns an empty baseline (power null).
IdleBaseline measure_idle(Sampler& sampler, double seconds);

}  // namespace greenbatch::energy
