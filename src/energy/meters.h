#pragma once
// The factories of every meter kind; the registry (meter_registry.cpp) lists them.

#include "greenbatch/energy/meter.h"

namespace greenbatch::energy {

/// RAPL through powercap sysfs (intel-rapl and intel-rapl-mmio zones).
OpenResult open_rapl_powercap(const MeterOptions& options);
/// RAPL through the MSR device files, one CPU per package (Intel and AMD registers).
OpenResult open_rapl_msr(const MeterOptions& options);
/// The perf_event "power" PMU (energy-pkg, energy-cores, energy-ram, energy-psys).
OpenResult open_perf_power(const MeterOptions& options);
/// NVML, loaded at run time with dlopen; one domain per visible GPU.
OpenResult open_nvml(const MeterOptions& options);
/// The CPU-utilisation power model; always available.
OpenResult open_estimate(const MeterOptions& options);

}  // namespace greenbatch::energy
