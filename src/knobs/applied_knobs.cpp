// Knobs set for a while and always restored.
#include "greenbatch/knobs/applied_knobs.h"

#include <functional>
#include <memory>

#include <fmt/format.h>

#include "cpu_frequency.h"
#include "greenbatch/core/error.h"
#include "nvml_knobs.h"

namespace greenbatch::knobs {
namespace {

// A change to make once every knob is checked.
using Change = std::function<void()>;

void plan_cpu(std::uint64_t khz, const KnobOptions& options, std::vector<Original>& originals,
              std::vector<Change>& changes, std::vector<std::string>& applied) {
  const auto caps = read_cpu_caps(options.sysfs_root);
  if (caps.cpus.empty()) throw UnsupportedError(fmt::format("--cpu-max-freq is unavailable: {}", caps.reason));
  if (khz < caps.min_khz || khz > caps.max_khz) {
    throw UsageError(
        fmt::format("--cpu-max-freq {} kHz is outside the range the CPUs allow, {}..{} kHz "
                    "(cpuinfo_min_freq..cpuinfo_max_freq under {}); choose a value in it",
                    khz, caps.min_khz, caps.max_khz, (options.sysfs_root / "devices/system/cpu").string()));
  }
  for (const auto& cpu : caps.cpus) {
    originals.push_back(Original{Original::Kind::cpu_max_freq, cpu.max_file.string(), cpu.current_khz});
    changes.emplace_back([file = cpu.max_file, khz] { write_cap(file, khz); });
  }
  applied.push_back(fmt::format("cpu_max_freq {} kHz on {} CPUs", khz, caps.cpus.size()));
}

// Opens NVML for a GPU knob named `flag`, or says why it is unavailable.
const NvmlKnobs& nvml_for(std::unique_ptr<NvmlKnobs>& nvml, const KnobOptions& options, const char* flag) {
  if (!nvml) {
    std::string reason;
    nvml = NvmlKnobs::open(options.nvml_library, reason);
    if (!nvml) throw UnsupportedError(fmt::format("{} is unavailable: {}", flag, reason));
  }
  if (nvml->count() == 0) throw UnsupportedError(fmt::format("{} is unavailable: NVML reports no GPU", flag));
  return *nvml;
}

// Every knob checked, with its originals and the changes still to make. Holds NVML open for them.
struct Plan {
  std::unique_ptr<NvmlKnobs> nvml;
  std::vector<Original> originals;
  std::vector<Change> changes;
  std::vector<std::string> applied;
};

Plan plan(const KnobSettings& settings, const KnobOptions& options) {
  Plan p;
  if (settings.cpu_max_freq_khz) plan_cpu(*settings.cpu_max_freq_khz, options, p.originals, p.changes, p.applied);
  if (settings.gpu_power_limit_w) {
    const auto& gpus = nvml_for(p.nvml, options, "--gpu-power-limit");
    const unsigned mw = *settings.gpu_power_limit_w * 1000;
    for (unsigned gpu = 0; gpu < gpus.count(); ++gpu) {
      const auto range = gpus.power_limit_range_mw(gpu);
      if (mw < range.min || mw > range.max) {
        throw UsageError(
            fmt::format("--gpu-power-limit {} W is outside the range NVML device {} allows, {:g}..{:g} W "
                        "(nvmlDeviceGetPowerManagementLimitConstraints); choose a value in it",
                        *settings.gpu_power_limit_w, gpu, range.min / 1000.0, range.max / 1000.0));
      }
      p.originals.push_back(Original{Original::Kind::gpu_power_limit, std::to_string(gpu), gpus.power_limit_mw(gpu)});
      p.changes.emplace_back([&gpus, gpu, mw] { gpus.set_power_limit_mw(gpu, mw); });
    }
    p.applied.push_back(fmt::format("gpu_power_limit {} W on {} GPUs", *settings.gpu_power_limit_w, gpus.count()));
  }
  if (settings.gpu_clocks_mhz) {
    const auto& gpus = nvml_for(p.nvml, options, "--gpu-clocks");
    const unsigned mhz = *settings.gpu_clocks_mhz;
    for (unsigned gpu = 0; gpu < gpus.count(); ++gpu) {
      const auto range = gpus.clock_range_mhz(gpu);
      if (mhz < range.min || mhz > range.max) {
        throw UsageError(
            fmt::format("--gpu-clocks {} MHz is outside the graphics clocks NVML device {} supports, "
                        "{}..{} MHz (nvmlDeviceGetSupportedGraphicsClocks); choose a value in it",
                        mhz, gpu, range.min, range.max));
      }
      p.originals.push_back(Original{Original::Kind::gpu_clocks, std::to_string(gpu), 0});
      p.changes.emplace_back([&gpus, gpu, mhz] { gpus.lock_clocks_mhz(gpu, mhz); });
    }
    p.applied.push_back(fmt::format("gpu_clocks {} MHz on {} GPUs", mhz, gpus.count()));
  }
  return p;
}

}  // namespace

void check_knobs(const KnobSettings& settings, const KnobOptions& options) {
  if (settings.any()) (void)plan(settings, options);
}

AppliedKnobs::AppliedKnobs(const KnobSettings& settings, KnobOptions options) : options_(std::move(options)) {
  if (!settings.any()) return;
  auto [nvml, originals, changes, applied] = plan(settings, options_);
  // Every knob checked: record the originals, then change, restoring what was changed on failure.
  record_originals(options_, originals);
  for (std::size_t i = 0; i < changes.size(); ++i) {
    try {
      changes[i]();
    } catch (...) {
      const std::vector<Original> done(originals.begin(), originals.begin() + static_cast<std::ptrdiff_t>(i));
      if (restore_originals(options_, done).empty()) record_originals(options_, {});
      throw;
    }
  }
  originals_ = std::move(originals);
  applied_ = std::move(applied);
}

AppliedKnobs::~AppliedKnobs() {
  for (const auto& failure : restore()) fmt::print(stderr, "greenbatch: warning: {}\n", failure);
}

std::vector<std::string> AppliedKnobs::restore() {
  if (originals_.empty()) return {};
  auto failures = restore_originals(options_, originals_);
  if (failures.empty()) {
    try {
      record_originals(options_, {});
    } catch (const std::exception& e) {
      failures.push_back(e.what());
    }
  }
  originals_.clear();
  return failures;
}

}  // namespace greenbatch::knobs
