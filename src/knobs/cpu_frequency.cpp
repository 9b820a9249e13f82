// The cpufreq cap of the CPUs this process may use.
#include "cpu_frequency.h"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "energy/text_file.h"
#include "greenbatch/core/error.h"

namespace greenbatch::knobs {
namespace {

constexpr const char* kPermissionFix = "run greenbatch as root (or make scaling_max_freq writable by this user)";

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  }
  return cpus;
}

}  // namespace

CpuCaps read_cpu_caps(const std::filesystem::path& sysfs_root) {
  CpuCaps caps;
  caps.max_khz = UINT64_MAX;
  for (const int cpu : allowed_cpus()) {
    const auto dir = sysfs_root / "devices/system/cpu" / fmt::format("cpu{}", cpu) / "cpufreq";
    const auto current = energy::read_text(dir / "scaling_max_freq");
    if (!current.text) {
      caps.reason = fmt::format(
          "cpu{} has no readable cpufreq cap ({}): the kernel exposes no cpufreq driver here "
          "(a virtual machine, or cpufreq disabled); this knob needs cpufreq",
          cpu, energy::describe(current.failure, kPermissionFix));
      caps.cpus.clear();
      return caps;
    }
    const auto value = energy::parse_u64(*current.text);
    const auto min = energy::read_u64(dir / "cpuinfo_min_freq");
    const auto max = energy::read_u64(dir / "cpuinfo_max_freq");
    if (!value || !min || !max) {
      caps.reason = fmt::format(
          "cpu{}: {} lacks a number in scaling_max_freq, cpuinfo_min_freq or cpuinfo_max_freq; "
          "check the cpufreq driver",
          cpu, dir.string());
      caps.cpus.clear();
      return caps;
    }
    if (access((dir / "scaling_max_freq").c_str(), W_OK) != 0) {
      caps.reason = fmt::format("{} is not writable by this user: {}", (dir / "scaling_max_freq").string(),
                                kPermissionFix);
      caps.cpus.clear();
      return caps;
    }
    caps.min_khz = std::max(caps.min_khz, *min);
    caps.max_khz = std::min(caps.max_khz, *max);
    caps.cpus.push_back(CpuCap{cpu, dir / "scaling_max_freq", *value});
  }
  if (caps.cpus.empty() && caps.reason.empty()) caps.reason = "this process may use no CPU (sched_getaffinity failed)";
  return caps;
}

void write_cap(const std::filesystem::path& max_file, std::uint64_t khz) {
  std::ofstream out(max_file);
  out << khz << '\n';
  out.flush();
  if (!out) {
    throw UnsupportedError(
        fmt::format("cannot write {} kHz to {}: {}; {}", khz, max_file.string(), std::strerror(errno), kPermissionFix));
  }
}

}  // namespace greenbatch::knobs
