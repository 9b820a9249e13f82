// CPU topology from sysfs and the CPU vendor from cpuinfo.
#include "cpu_topology.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <utility>

#include "greenbatch/core/cpuinfo.h"
#include "text_file.h"

namespace greenbatch::energy {
namespace {

/// The N of a "cpuN" directory name, or -1 for anything else (cpufreq, cpuidle, ...).
int cpu_number(const std::string& name) {
  if (name.size() <= 3 || name.compare(0, 3, "cpu") != 0) return -1;
  int n = 0;
  const auto* end = name.data() + name.size();
  const auto [ptr, ec] = std::from_chars(name.data() + 3, end, n);
  return ec == std::errc() && ptr == end ? n : -1;
}

}  // namespace

std::vector<LogicalCpu> list_cpus(const std::filesystem::path& sysfs_root) {
  std::vector<LogicalCpu> cpus;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(sysfs_root / "devices/system/cpu", error)) {
    const int cpu = cpu_number(entry.path().filename().string());
    if (cpu < 0) continue;
    const auto package = read_u64(entry.path() / "topology/physical_package_id");
    const auto core = read_u64(entry.path() / "topology/core_id");
    if (!package || !core) continue;  // offline CPUs have no topology
    cpus.push_back({cpu, static_cast<int>(*package), static_cast<int>(*core)});
  }
  std::sort(cpus.begin(), cpus.end(), [](const LogicalCpu& a, const LogicalCpu& b) { return a.cpu < b.cpu; });
  return cpus;
}

std::vector<LogicalCpu> one_cpu_per_package(const std::vector<LogicalCpu>& cpus) {
  std::vector<LogicalCpu> out;
  std::set<int> seen;
  for (const auto& c : cpus) {
    if (seen.insert(c.package).second) out.push_back(c);
  }
  std::sort(out.begin(), out.end(), [](const LogicalCpu& a, const LogicalCpu& b) { return a.package < b.package; });
  return out;
}

std::vector<LogicalCpu> one_cpu_per_core(const std::vector<LogicalCpu>& cpus) {
  std::vector<LogicalCpu> out;
  std::set<std::pair<int, int>> seen;
  for (const auto& c : cpus) {
    if (seen.insert({c.package, c.core}).second) out.push_back(c);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const LogicalCpu& a, const LogicalCpu& b) { return a.package < b.package; });
  return out;
}

VendorId read_cpu_vendor(const std::filesystem::path& proc_root) {
  const auto id = cpuinfo_field(proc_root, "vendor_id");
  if (!id) return {};
  if (*id == "GenuineIntel") return {CpuVendor::intel, *id};
  if (*id == "AuthenticAMD" || *id == "HygonGenuine") return {CpuVendor::amd, *id};
  return {CpuVendor::unknown, *id};
}

}  // namespace greenbatch::energy
