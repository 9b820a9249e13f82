#pragma once
/// Test helper: a fake cpufreq tree for the CPUs this process may use.

#include <sched.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/fixture_tree.h"

namespace greenbatch::testing {

/// The allowed range of the fake CPUs, kHz.
inline constexpr std::uint64_t kFakeMinKhz = 800000;
inline constexpr std::uint64_t kFakeMaxKhz = 3000000;

/// The CPUs in this process's affinity mask.
inline std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
    }
  }
  return cpus;
}

/// The scaling_max_freq file of `cpu` under `sysfs_root`.
inline std::filesystem::path cap_file(const std::filesystem::path& sysfs_root, int cpu) {
  return sysfs_root / "devices/system/cpu" / ("cpu" + std::to_string(cpu)) / "cpufreq/scaling_max_freq";
}

/// The original cap the fake gives `cpu` (each CPU its own, so that mix-ups show).
inline std::uint64_t original_cap(int cpu) { return kFakeMaxKhz - 1000 * static_cast<std::uint64_t>(cpu); }

/// Builds cpufreq (min, max, cap) for every allowed CPU under `sysfs_root`.
inline void build_fake_cpufreq(const std::filesystem::path& sysfs_root) {
  for (const int cpu : allowed_cpus()) {
    const auto dir = cap_file(sysfs_root, cpu).parent_path();
    write_file(dir / "cpuinfo_min_freq", std::to_string(kFakeMinKhz) + "\n");
    write_file(dir / "cpuinfo_max_freq", std::to_string(kFakeMaxKhz) + "\n");
    write_file(dir / "scaling_max_freq", std::to_string(original_cap(cpu)) + "\n");
  }
}

/// The cap of `cpu` in the fake tree now (0 when unreadable).
inline std::uint64_t read_cap(const std::filesystem::path& sysfs_root, int cpu) {
  std::ifstream in(cap_file(sysfs_root, cpu));
  std::uint64_t khz = 0;
  in >> khz;
  return khz;
}

}  // namespace greenbatch::testing
