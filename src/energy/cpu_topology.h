#pragma once
// CPU topology from sysfs (which CPU sits in which package and core) and the vendor from cpuinfo.

#include <filesystem>
#include <string>
#include <vector>

namespace greenbatch::energy {

/// One logical CPU and where it sits.
struct LogicalCpu {
  int cpu = 0;      ///< the N of cpuN
  int package = 0;  ///< topology/physical_package_id
  int core = 0;     ///< topology/core_id (unique within the package)
};

/// Every CPU with a readable topology under `<sysfs_root>/devices/system/cpu`, by CPU number.
std::vector<LogicalCpu> list_cpus(const std::filesystem::path& sysfs_root);

/// The lowest-numbered CPU of each package, by package id.
std::vector<LogicalCpu> one_cpu_per_package(const std::vector<LogicalCpu>& cpus);

/// The lowest-numbered CPU of each physical core (package, core_id), by package then CPU number.
std::vector<LogicalCpu> one_cpu_per_core(const std::vector<LogicalCpu>& cpus);

/// Which register set a CPU implements.
enum class CpuVendor { intel, amd, unknown };

/// The vendor named by /proc/cpuinfo.
struct VendorId {
  CpuVendor vendor = CpuVendor::unknown;  ///< Hygon counts as AMD
  std::string id;                         ///< the raw vendor_id, empty when cpuinfo has none
};

/// The vendor from the first `vendor_id` line of `<proc_root>/cpuinfo`.
VendorId read_cpu_vendor(const std::filesystem::path& proc_root);

}  // namespace greenbatch::energy
