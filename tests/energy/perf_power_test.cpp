// The perf power PMU meter against a fake sysfs PMU and scripted counters.
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "energy/perf_power.h"
#include "support/fixture_tree.h"
#include "support/temp_dir.h"
#include "support/text.h"

namespace greenbatch::energy {
namespace {

using testing::contains;

namespace fs = std::filesystem;
using testing::write_file;

constexpr std::uint32_t power_type = 23;
constexpr std::uint64_t two_32 = std::uint64_t{1} << 32;
constexpr std::uint64_t two_31 = std::uint64_t{1} << 31;

fs::path pmu(const fs::path& root) { return root / "sys/bus/event_source/devices/power"; }

void write_event(const fs::path& root, const std::string& name, const std::string& event, const std::string& scale) {
  write_file(pmu(root) / "events" / name, event + "\n");
  write_file(pmu(root) / "events" / (name + ".scale"), scale + "\n");
  write_file(pmu(root) / "events" / (name + ".unit"), "Joules\n");
}

// Two packages (cpu0, cpu1 in package 0; cpu2, cpu3 in package 1); the PMU counts on cpu0 and cpu2.
// energy-pkg and energy-cores count 2^-32 J, energy-ram 2^-16 J (as on servers).
void write_pmu(const fs::path& root) {
  for (int cpu = 0; cpu < 4; ++cpu) {
    const auto topology = root / "sys/devices/system/cpu" / ("cpu" + std::to_string(cpu)) / "topology";
    write_file(topology / "physical_package_id", std::to_string(cpu / 2) + "\n");
    write_file(topology / "core_id", std::to_string(cpu % 2) + "\n");
  }
  write_file(pmu(root) / "type", std::to_string(power_type) + "\n");
  write_file(pmu(root) / "cpumask", "0,2\n");
  write_event(root, "energy-pkg", "event=0x02", "2.3283064365386962890625e-10");
  write_event(root, "energy-cores", "event=0x01", "2.3283064365386962890625e-10");
  write_event(root, "energy-ram", "event=0x03", "1.52587890625e-05");
}

MeterOptions options_for(const fs::path& root) {
  MeterOptions options;
  options.sysfs_root = root / "sys";
  options.proc_root = root / "proc";
  return options;
}

// Scripted counters: each (config, cpu) returns its counts in turn, the first when opened, then
// repeats the last. fd = 100 + the order of opening.
struct FakePerf {
  struct Counter {
    std::uint32_t type = 0;
    std::uint64_t config = 0;
    int cpu = 0;
    std::size_t next = 0;
    bool closed = false;
  };
  std::map<std::pair<std::uint64_t, int>, std::vector<std::uint64_t>> script;
  std::vector<Counter> opened;
  int open_errno = 0;
  bool reads_fail = false;

  PerfCounterOps ops() {
    return {
        [this](std::uint32_t type, std::uint64_t config, int cpu) {
          if (open_errno != 0) return -open_errno;
          opened.push_back({type, config, cpu});
          return 100 + static_cast<int>(opened.size()) - 1;
        },
        [this](int fd) -> std::optional<std::uint64_t> {
          auto& c = opened.at(static_cast<std::size_t>(fd - 100));
          const auto& counts = script.at({c.config, c.cpu});
          if (reads_fail || c.closed) return std::nullopt;
          const auto count = counts.at(std::min(c.next, counts.size() - 1));
          ++c.next;
          return count;
        },
        [this](int fd) { opened.at(static_cast<std::size_t>(fd - 100)).closed = true; },
    };
  }

  [[nodiscard]] bool all_closed() const {
    for (const auto& c : opened) {
      if (!c.closed) return false;
    }
    return true;
  }
};

TEST(PerfPower, JoulesAreCountsTimesScale) {
  const testing::TempDir dir("perf-power-counts");
  write_pmu(dir.path());
  FakePerf fake;
  // pkg: cpu0 0 -> 2^32 -> 3*2^31; cpu2 2^64 - 2^31 -> 2^31 (the unsigned difference is 2^32).
  fake.script[{0x02, 0}] = {0, two_32, 3 * two_31};
  fake.script[{0x02, 2}] = {0 - two_31, two_31};
  fake.script[{0x01, 0}] = {1000, 1000 + two_31};
  fake.script[{0x01, 2}] = {7};
  fake.script[{0x03, 0}] = {0, 32768};
  fake.script[{0x03, 2}] = {5, 5 + 65536};
  double now = 3.0;
  auto options = options_for(dir.path());
  options.clock = [&now] { return now; };
  {
    auto opened = open_perf_power(options, fake.ops());
    ASSERT_TRUE(opened.meter) << opened.reason;
    auto& meter = *opened.meter;
    EXPECT_EQ(meter.name(), "perf");
    EXPECT_EQ(meter.source(), "perf");
    ASSERT_EQ(fake.opened.size(), 6U);
    for (const auto& c : fake.opened) {
      EXPECT_EQ(c.type, power_type);
      EXPECT_TRUE(c.cpu == 0 || c.cpu == 2) << c.cpu;
    }

    const char* names[] = {"package-0", "package-1", "cores-0", "cores-1", "dram-0", "dram-1"};
    const auto& domains = meter.domains();
    ASSERT_EQ(domains.size(), 6U);
    for (std::size_t i = 0; i < 6; ++i) {
      EXPECT_EQ(domains[i].name, names[i]);
      EXPECT_EQ(domains[i].in_total, domains[i].kind != DomainKind::cores) << names[i];
    }

    // package-0: 2^32 * 2^-32 = 1.0 J; package-1: 2^32 * 2^-32 = 1.0 J;
    // cores-0: 2^31 * 2^-32 = 0.5 J; cores-1: 0; dram-0: 32768 * 2^-16 = 0.5 J; dram-1: 65536 * 2^-16 = 1.0 J.
    now = 4.0;
    const auto first = meter.read();
    EXPECT_DOUBLE_EQ(first.time_s, 4.0);
    const double expected_first[] = {1.0, 1.0, 0.5, 0.0, 0.5, 1.0};
    for (std::size_t i = 0; i < 6; ++i) EXPECT_DOUBLE_EQ(first.joules[i], expected_first[i]) << names[i];
    // package-0 gains 3*2^31 - 2^32 = 2^31 counts = 0.5 J: cumulative 1.5 J; the rest stay.
    const auto second = meter.read();
    const double expected_second[] = {1.5, 1.0, 0.5, 0.0, 0.5, 1.0};
    for (std::size_t i = 0; i < 6; ++i) EXPECT_DOUBLE_EQ(second.joules[i], expected_second[i]) << names[i];
    EXPECT_FALSE(fake.all_closed());
  }
  EXPECT_TRUE(fake.all_closed());
}

TEST(PerfPower, PsysOpensOnceAndIsTheOnlyDomainInTotal) {
  const testing::TempDir dir("perf-power-psys");
  const auto& root = dir.path();
  write_pmu(root);
  write_file(pmu(root) / "cpumask", "0-1\n");  // as if cpu1 were package 1's first CPU
  write_file(root / "sys/devices/system/cpu/cpu1/topology/physical_package_id", "1\n");
  fs::remove(pmu(root) / "events/energy-cores");
  fs::remove(pmu(root) / "events/energy-ram");
  write_event(root, "energy-psys", "event=0x05", "2.3283064365386962890625e-10");
  FakePerf fake;
  fake.script[{0x02, 0}] = {0};
  fake.script[{0x02, 1}] = {0};
  fake.script[{0x05, 0}] = {0, 3 * two_32};  // 3 J
  auto opened = open_perf_power(options_for(root), fake.ops());
  ASSERT_TRUE(opened.meter) << opened.reason;
  const auto& domains = opened.meter->domains();
  ASSERT_EQ(domains.size(), 3U);
  EXPECT_EQ(domains[0].name, "package-0");
  EXPECT_EQ(domains[1].name, "package-1");
  EXPECT_EQ(domains[2].name, "psys");
  for (const auto& d : domains) EXPECT_EQ(d.in_total, d.kind == DomainKind::psys) << d.name;
  ASSERT_EQ(fake.opened.size(), 3U);
  EXPECT_EQ(fake.opened[2].config, 0x05U);
  EXPECT_EQ(fake.opened[2].cpu, 0);
  EXPECT_DOUBLE_EQ(opened.meter->read().joules[2], 3.0);
}

TEST(PerfPower, MissingPmuIsUnavailable) {
  const testing::TempDir dir("perf-power-missing");
  FakePerf fake;
  const auto opened = open_perf_power(options_for(dir.path()), fake.ops());
  EXPECT_FALSE(opened.meter);
  EXPECT_TRUE(contains(opened.reason, "no perf power PMU at " + pmu(dir.path()).string())) << opened.reason;
}

TEST(PerfPower, PermissionDeniedSaysWhatIsNeeded) {
  const testing::TempDir dir("perf-power-denied");
  write_pmu(dir.path());
  write_file(dir.path() / "proc/sys/kernel/perf_event_paranoid", "2\n");
  FakePerf fake;
  fake.open_errno = EACCES;
  const auto opened = open_perf_power(options_for(dir.path()), fake.ops());
  EXPECT_FALSE(opened.meter);
  for (const char* part : {"permission denied", "energy-pkg", "CAP_PERFMON", "perf_event_paranoid=0", "it is 2 now"}) {
    EXPECT_TRUE(contains(opened.reason, part)) << opened.reason;
  }
}

TEST(PerfPower, UnitOtherThanJoulesIsUnavailable) {
  const testing::TempDir dir("perf-power-unit");
  write_pmu(dir.path());
  const auto unit_file = pmu(dir.path()) / "events/energy-ram.unit";
  write_file(unit_file, "Watts\n");
  FakePerf fake;
  fake.script[{0x02, 0}] = fake.script[{0x02, 2}] = fake.script[{0x01, 0}] = fake.script[{0x01, 2}] = {0};
  const auto opened = open_perf_power(options_for(dir.path()), fake.ops());
  EXPECT_FALSE(opened.meter);
  EXPECT_TRUE(contains(opened.reason, unit_file.string())) << opened.reason;
  EXPECT_TRUE(contains(opened.reason, "Watts")) << opened.reason;
  EXPECT_TRUE(fake.all_closed());  // the counters opened before it are closed again
}

TEST(PerfPower, ReadFailureMidRunThrowsMeterFault) {
  const testing::TempDir dir("perf-power-fault");
  write_pmu(dir.path());
  FakePerf fake;
  for (std::uint64_t config : {0x01, 0x02, 0x03}) fake.script[{config, 0}] = fake.script[{config, 2}] = {0};
  auto opened = open_perf_power(options_for(dir.path()), fake.ops());
  ASSERT_TRUE(opened.meter) << opened.reason;
  fake.reads_fail = true;
  try {
    opened.meter->read();
    ADD_FAILURE() << "read() did not throw";
  } catch (const MeterFault& fault) {
    EXPECT_TRUE(contains(fault.what(), "energy-pkg")) << fault.what();
    EXPECT_TRUE(contains(fault.what(), "CPU 0")) << fault.what();
  }
}

}  // namespace
}  // namespace greenbatch::energy
