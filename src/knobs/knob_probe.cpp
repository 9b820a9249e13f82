// Probing the power knobs.
#include "greenbatch/knobs/knob_probe.h"

#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "cpu_frequency.h"
#include "nvml_knobs.h"

namespace greenbatch::knobs {
namespace {

KnobProbe probe_cpu(const KnobOptions& options) {
  KnobProbe probe{"--cpu-max-freq", "cpu_max_freqs", "kHz", false, {}, {}, 0, 0};
  const auto caps = read_cpu_caps(options.sysfs_root);
  if (caps.cpus.empty()) {
    probe.reason = caps.reason;
    return probe;
  }
  const auto [low, high] = std::minmax_element(
      caps.cpus.begin(), caps.cpus.end(), [](const auto& a, const auto& b) { return a.current_khz < b.current_khz; });
  probe.available = true;
  probe.current = low->current_khz == high->current_khz
                      ? fmt::format("{} kHz on {} CPUs", low->current_khz, caps.cpus.size())
                      : fmt::format("{}..{} kHz on {} CPUs", low->current_khz, high->current_khz, caps.cpus.size());
  probe.min = static_cast<double>(caps.min_khz);
  probe.max = static_cast<double>(caps.max_khz);
  return probe;
}

// Probes a GPU knob on NVML device 0 with `read` (current value text, and range).
template <typename Read>
KnobProbe probe_gpu(KnobProbe probe, const NvmlKnobs* nvml, const std::string& reason, Read read) {
  if (nvml == nullptr) {
    probe.reason = reason;
    return probe;
  }
  if (nvml->count() == 0) {
    probe.reason = "NVML reports no GPU; check nvidia-smi";
    return probe;
  }
  try {
    read(*nvml, probe);
    probe.available = true;
  } catch (const std::exception& e) {
    probe.reason = e.what();
  }
  return probe;
}

}  // namespace

std::vector<KnobProbe> probe_knobs(const KnobOptions& options) {
  std::string reason;
  const auto nvml = NvmlKnobs::open(options.nvml_library, reason);
  return {
      probe_cpu(options),
      probe_gpu(KnobProbe{"--gpu-power-limit", "gpu_power_limits", "W", false, {}, {}, 0, 0}, nvml.get(), reason,
                [](const NvmlKnobs& gpus, KnobProbe& probe) {
                  const auto range = gpus.power_limit_range_mw(0);
                  probe.current = fmt::format("{:g} W on NVML device 0 of {} GPUs", gpus.power_limit_mw(0) / 1000.0,
                                              gpus.count());
                  probe.min = range.min / 1000.0;
                  probe.max = range.max / 1000.0;
                }),
      probe_gpu(KnobProbe{"--gpu-clocks", "", "MHz", false, {}, {}, 0, 0}, nvml.get(), reason,
                [](const NvmlKnobs& gpus, KnobProbe& probe) {
                  const auto range = gpus.clock_range_mhz(0);
                  probe.current = fmt::format("driver-chosen on {} GPUs", gpus.count());
                  probe.min = range.min;
                  probe.max = range.max;
                }),
  };
}

}  // namespace greenbatch::knobs
