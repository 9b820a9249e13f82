// The RAPL MSR meter against fake /dev/cpu/N/msr files: Intel and AMD registers, wraparound, failures.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "energy/cpu_topology.h"
#include "energy/meters.h"
#include "support/fixture_tree.h"
#include "support/temp_dir.h"
#include "support/text.h"

namespace greenbatch::energy {
namespace {

using testing::contains;

namespace fs = std::filesystem;
using testing::write_file;
using testing::write_u64_at;

constexpr std::uint64_t intel_unit = 0x606, intel_package = 0x611, intel_pp0 = 0x639, intel_dram = 0x619,
                        intel_psys = 0x64D;
constexpr std::uint64_t amd_unit = 0xC0010299, amd_core = 0xC001029A, amd_package = 0xC001029B;

fs::path msr(const fs::path& root, int cpu) { return root / "dev/cpu" / std::to_string(cpu) / "msr"; }

// Four CPUs: cpu0, cpu1 in package 0 and cpu2, cpu3 in package 1 (two cores each, unless
// `smt_pairs`: then cpu0+cpu1 and cpu2+cpu3 are SMT siblings of one package), empty msr files.
void write_machine(const fs::path& root, const std::string& vendor, bool smt_pairs) {
  write_file(root / "proc/cpuinfo", "processor\t: 0\nvendor_id\t: " + vendor + "\ncpu family\t: 6\n");
  for (int cpu = 0; cpu < 4; ++cpu) {
    const auto topology = root / "sys/devices/system/cpu" / ("cpu" + std::to_string(cpu)) / "topology";
    write_file(topology / "physical_package_id", smt_pairs ? "0\n" : std::to_string(cpu / 2) + "\n");
    write_file(topology / "core_id", smt_pairs ? std::to_string(cpu / 2) + "\n" : std::to_string(cpu % 2) + "\n");
    write_file(msr(root, cpu), "");
  }
  write_file(root / "sys/devices/system/cpu/cpufreq/boost", "1\n");  // not a CPU
}

MeterOptions options_for(const fs::path& root) {
  MeterOptions options;
  options.sysfs_root = root / "sys";
  options.dev_root = root / "dev";
  options.proc_root = root / "proc";
  return options;
}

// Two Intel packages; unit register 0xA0E03: ESU = bits 12:8 = 0xE = 14, so one count = 2^-14 J.
// Package, PP0 and DRAM counters on the first CPU of each package (cpu0, cpu2); no psys register.
void write_intel(const fs::path& root) {
  write_machine(root, "GenuineIntel", false);
  for (int cpu : {0, 2}) {
    write_u64_at(msr(root, cpu), intel_unit, 0xA0E03);
    write_u64_at(msr(root, cpu), intel_package, 0);
    write_u64_at(msr(root, cpu), intel_dram, 0);
    write_u64_at(msr(root, cpu), intel_pp0, 0);
  }
}

TEST(CpuTopology, OneCpuPerPackageAndPerCore) {
  const testing::TempDir dir("cpu-topology");
  write_machine(dir.path(), "HygonGenuine", true);
  const auto cpus = list_cpus(dir.path() / "sys");
  ASSERT_EQ(cpus.size(), 4U);
  const auto packages = one_cpu_per_package(cpus);
  ASSERT_EQ(packages.size(), 1U);
  EXPECT_EQ(packages[0].cpu, 0);
  const auto cores = one_cpu_per_core(cpus);
  ASSERT_EQ(cores.size(), 2U);
  EXPECT_EQ(cores[0].cpu, 0);
  EXPECT_EQ(cores[1].cpu, 2);
  const auto vendor = read_cpu_vendor(dir.path() / "proc");
  EXPECT_EQ(vendor.vendor, CpuVendor::amd);
  EXPECT_EQ(vendor.id, "HygonGenuine");
}

TEST(RaplMsr, IntelTwoPackagesCorrectsWraparound) {
  const testing::TempDir dir("rapl-msr-intel");
  const auto& root = dir.path();
  write_intel(root);
  // Values at open. The high 32 bits of a register are not part of the counter.
  write_u64_at(msr(root, 0), intel_package, 0xDEAD0000'FFFFF000);  // 2^32 - 4096, about to wrap
  write_u64_at(msr(root, 0), intel_pp0, 1000);
  write_u64_at(msr(root, 0), intel_dram, 0);
  write_u64_at(msr(root, 2), intel_package, 16384);
  write_u64_at(msr(root, 2), intel_pp0, 0);
  write_u64_at(msr(root, 2), intel_dram, 100);
  double now = 10.0;
  auto options = options_for(root);
  options.clock = [&now] { return now; };
  auto opened = open_rapl_msr(options);
  ASSERT_TRUE(opened.meter) << opened.reason;
  auto& meter = *opened.meter;
  EXPECT_EQ(meter.name(), "rapl-msr");
  EXPECT_EQ(meter.source(), "rapl");

  const auto& domains = meter.domains();
  ASSERT_EQ(domains.size(), 6U);
  const char* names[] = {"package-0", "cores-0", "dram-0", "package-1", "cores-1", "dram-1"};
  const DomainKind kinds[] = {DomainKind::package, DomainKind::cores, DomainKind::dram,
                              DomainKind::package, DomainKind::cores, DomainKind::dram};
  for (std::size_t i = 0; i < domains.size(); ++i) {
    EXPECT_EQ(domains[i].name, names[i]);
    EXPECT_EQ(domains[i].kind, kinds[i]);
    EXPECT_EQ(domains[i].in_total, kinds[i] != DomainKind::cores) << names[i];  // no psys here
  }

  // First reading (unit 1/16384 J):
  //   package-0: 0x800 after 0xFFFFF000 wraps: (2048 - (2^32 - 4096)) mod 2^32 = 6144 -> 0.375 J
  //   cores-0:   9192 - 1000 = 8192 -> 0.5 J      dram-0: 4096 -> 0.25 J
  //   package-1: 49152 - 16384 = 32768 -> 2.0 J  cores-1: 16384 -> 1.0 J
  //   dram-1:    1738 - 100 = 1638 -> 1638/16384 = 0.0999755859375 J
  write_u64_at(msr(root, 0), intel_package, 0xDEAD0001'00000800);
  write_u64_at(msr(root, 0), intel_pp0, 9192);
  write_u64_at(msr(root, 0), intel_dram, 4096);
  write_u64_at(msr(root, 2), intel_package, 49152);
  write_u64_at(msr(root, 2), intel_pp0, 16384);
  write_u64_at(msr(root, 2), intel_dram, 1738);
  now = 11.5;
  const auto first = meter.read();
  EXPECT_DOUBLE_EQ(first.time_s, 11.5);
  const double expected_first[] = {0.375, 0.5, 0.25, 2.0, 1.0, 0.0999755859375};
  ASSERT_EQ(first.joules.size(), 6U);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_DOUBLE_EQ(first.joules[i], expected_first[i]) << names[i];

  // Second reading: package-0 gains 18432 - 2048 = 16384 counts = 1.0 J, cumulative 1.375 J;
  // the rest did not move.
  write_u64_at(msr(root, 0), intel_package, 18432);
  now = 12.5;
  const auto second = meter.read();
  EXPECT_DOUBLE_EQ(second.time_s, 12.5);
  const double expected_second[] = {1.375, 0.5, 0.25, 2.0, 1.0, 0.0999755859375};
  for (std::size_t i = 0; i < 6; ++i) EXPECT_DOUBLE_EQ(second.joules[i], expected_second[i]) << names[i];
}

TEST(RaplMsr, IntelPsysIsTheOnlyDomainInTotal) {
  const testing::TempDir dir("rapl-msr-psys");
  const auto& root = dir.path();
  write_intel(root);
  write_u64_at(msr(root, 0), intel_psys, 0xFFFFFFFF);
  auto opened = open_rapl_msr(options_for(root));
  ASSERT_TRUE(opened.meter) << opened.reason;
  const auto& domains = opened.meter->domains();
  ASSERT_EQ(domains.size(), 7U);
  EXPECT_EQ(domains.back().name, "psys");
  EXPECT_EQ(domains.back().kind, DomainKind::psys);
  for (const auto& d : domains) EXPECT_EQ(d.in_total, d.kind == DomainKind::psys) << d.name;
  // 0x7FFF after 0xFFFFFFFF: 0x8000 = 32768 counts of 2^-14 J = 2.0 J.
  write_u64_at(msr(root, 0), intel_psys, 0x7FFF);
  EXPECT_DOUBLE_EQ(opened.meter->read().joules.back(), 2.0);
}

TEST(RaplMsr, UnreadableRegistersAreSkipped) {
  const testing::TempDir dir("rapl-msr-skip");
  const auto& root = dir.path();
  write_intel(root);
  // Package 1's file ends after the package register: PP0 (0x639) and DRAM (0x619) read short.
  fs::resize_file(msr(root, 2), intel_package + 8);
  auto opened = open_rapl_msr(options_for(root));
  ASSERT_TRUE(opened.meter) << opened.reason;
  const auto& domains = opened.meter->domains();
  ASSERT_EQ(domains.size(), 4U);
  EXPECT_EQ(domains[3].name, "package-1");
  EXPECT_TRUE(contains(opened.meter->notes(), "cores-1, dram-1")) << opened.meter->notes();
}

TEST(RaplMsr, AmdCoresDomainSumsEveryPhysicalCore) {
  const testing::TempDir dir("rapl-msr-amd");
  const auto& root = dir.path();
  // One package; cpu0+cpu1 share core 0, cpu2+cpu3 share core 1. The core counters are read on
  // cpu0 and cpu2 only (cpu1's and cpu3's files stay empty, so reading them would fail).
  // In a plain file the AMD registers overlap (one byte apart, eight bytes wide), so cpu0's core
  // register is never written: it reads byte 1 of the unit register (0x10, so ESU = 16 and one
  // count = 2^-16 J) followed by the low three bytes of the package register: core = 0x10 + 256 * package.
  write_machine(root, "AuthenticAMD", true);
  write_u64_at(msr(root, 0), amd_unit, 0x1003);
  write_u64_at(msr(root, 0), amd_package, 0x100);  // core 0 = 0x10010
  write_u64_at(msr(root, 2), amd_core, 0xFFFFFFFF);
  auto opened = open_rapl_msr(options_for(root));
  ASSERT_TRUE(opened.meter) << opened.reason;
  const auto& domains = opened.meter->domains();
  ASSERT_EQ(domains.size(), 2U);
  EXPECT_EQ(domains[0].name, "package-0");
  EXPECT_TRUE(domains[0].in_total);
  EXPECT_EQ(domains[1].name, "cores-0");
  EXPECT_FALSE(domains[1].in_total);

  // package: 0x180 - 0x100 = 128 counts -> 128 / 65536 = 0.001953125 J.
  // core 0: 0x18010 - 0x10010 = 32768 counts -> 0.5 J; core 1: 0x7FFF after 0xFFFFFFFF wraps to
  // 0x8000 = 32768 counts -> 0.5 J; cores-0 = 0.5 + 0.5 = 1.0 J.
  write_u64_at(msr(root, 0), amd_package, 0x180);  // core 0 = 0x18010
  write_u64_at(msr(root, 2), amd_core, 0x7FFF);
  const auto reading = opened.meter->read();
  ASSERT_EQ(reading.joules.size(), 2U);
  EXPECT_DOUBLE_EQ(reading.joules[0], 0.001953125);
  EXPECT_DOUBLE_EQ(reading.joules[1], 1.0);
}

TEST(RaplMsr, MissingMsrFileAsksForTheModule) {
  const testing::TempDir dir("rapl-msr-missing");
  write_intel(dir.path());
  fs::remove_all(dir.path() / "dev");
  const auto opened = open_rapl_msr(options_for(dir.path()));
  EXPECT_FALSE(opened.meter);
  EXPECT_TRUE(contains(opened.reason, "modprobe msr")) << opened.reason;
  EXPECT_TRUE(contains(opened.reason, msr(dir.path(), 0).string())) << opened.reason;
}

TEST(RaplMsr, PermissionDeniedNamesTheFileAndTheCapability) {
  const testing::TempDir dir("rapl-msr-denied", testing::TempDir::Where::world_readable);
  write_intel(dir.path());
  fs::permissions(msr(dir.path(), 0), fs::perms::none);
  const auto options = options_for(dir.path());
  const auto reason = testing::run_unprivileged([&options] {
    const auto opened = open_rapl_msr(options);
    return opened.meter ? std::string("opened") : opened.reason;
  });
  EXPECT_TRUE(contains(reason, msr(dir.path(), 0).string())) << reason;
  EXPECT_TRUE(contains(reason, "CAP_SYS_RAWIO")) << reason;
}

TEST(RaplMsr, UnknownVendorIsUnavailable) {
  const testing::TempDir dir("rapl-msr-vendor");
  write_intel(dir.path());
  write_file(dir.path() / "proc/cpuinfo", "processor\t: 0\nvendor_id\t: CentaurHauls\n");
  const auto opened = open_rapl_msr(options_for(dir.path()));
  EXPECT_FALSE(opened.meter);
  EXPECT_TRUE(contains(opened.reason, "CentaurHauls")) << opened.reason;
}

TEST(RaplMsr, RegisterLostMidRunThrowsMeterFault) {
  const testing::TempDir dir("rapl-msr-lost");
  write_intel(dir.path());
  auto opened = open_rapl_msr(options_for(dir.path()));
  ASSERT_TRUE(opened.meter) << opened.reason;
  opened.meter->read();
  // The meter keeps the file open, so deleting it would change nothing; emptying it makes every
  // register read short, as a CPU gone offline makes pread fail.
  fs::resize_file(msr(dir.path(), 2), 0);
  try {
    opened.meter->read();
    ADD_FAILURE() << "read() did not throw";
  } catch (const MeterFault& fault) {
    EXPECT_TRUE(contains(fault.what(), msr(dir.path(), 2).string())) << fault.what();
  }
}

}  // namespace
}  // namespace greenbatch::energy
