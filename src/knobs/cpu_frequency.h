#pragma once
// Internal to knobs: the cpufreq cap (scaling_max_freq) of the CPUs this process may use.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace greenbatch::knobs {

// One CPU's cpufreq cap.
struct CpuCap {
  int cpu = 0;                     // the N of cpuN
  std::filesystem::path max_file;  // .../cpuN/cpufreq/scaling_max_freq
  std::uint64_t current_khz = 0;   // its value now
};

// The caps of the CPUs this process may use, or why there are none to set.
struct CpuCaps {
  std::vector<CpuCap> cpus;   // empty when unavailable
  std::uint64_t min_khz = 0;  // the highest cpuinfo_min_freq among them
  std::uint64_t max_khz = 0;  // the lowest cpuinfo_max_freq among them
  std::string reason;         // why unavailable, with the fix
};

// Reads the caps under `<sysfs_root>/devices/system/cpu` of the CPUs in this process's affinity
// mask; a CPU without readable cpufreq files, or a cap not writable, makes the knob unavailable.
CpuCaps read_cpu_caps(const std::filesystem::path& sysfs_root);

// Writes `khz` to a scaling_max_freq file; throws UnsupportedError naming the file on failure.
void write_cap(const std::filesystem::path& max_file, std::uint64_t khz);

}  // namespace greenbatch::knobs
