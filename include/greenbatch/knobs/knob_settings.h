#pragma once
/// The power knobs a trial may set (CPU frequency cap, GPU power limit, GPU locked clocks) and
/// where greenbatch finds the hardware and keeps the originals.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace greenbatch::knobs {

/// The knob values a trial asks for; an unset knob is left as the machine has it.
struct KnobSettings {
  std::optional<std::uint64_t> cpu_max_freq_khz;  ///< cpufreq scaling_max_freq of the CPUs this process may use
  std::optional<unsigned> gpu_power_limit_w;      ///< NVML power-management limit of every GPU NVML reports
  std::optional<unsigned> gpu_clocks_mhz;         ///< NVML locked graphics clock (min = max) of every GPU

  /// Whether any knob is set.
  [[nodiscard]] bool any() const { return cpu_max_freq_khz || gpu_power_limit_w || gpu_clocks_mhz; }
  /// Equal when every knob is set alike (both unset, or both set to the same value).
  bool operator==(const KnobSettings&) const = default;
};

/// Where the knobs live. Defaults follow the meters (GREENBATCH_SYSFS_ROOT, GREENBATCH_NVML_LIBRARY).
struct KnobOptions {
  std::filesystem::path sysfs_root = "/sys";       ///< cpufreq lives under <root>/devices/system/cpu
  std::string nvml_library = "libnvidia-ml.so.1";  ///< name or path, loaded at run time
  std::filesystem::path state_dir;                 ///< where originals are recorded until restored

  /// The meters' roots, and GREENBATCH_KNOB_STATE_DIR, else $XDG_STATE_HOME/greenbatch, else
  /// $HOME/.local/state/greenbatch, else /var/tmp/greenbatch-knobs.
  static KnobOptions from_environment();
};

}  // namespace greenbatch::knobs
