// RAPL through powercap sysfs against fixture trees: domains, totals, wraparound, faults.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "energy/meters.h"
#include "support/error_message.h"
#include "support/fixture_tree.h"
#include "support/temp_dir.h"

namespace greenbatch::energy {
namespace {

using ::testing::HasSubstr;
using testing::message_of;
using testing::write_file;

// Writes one zone directory: name, energy_uj and (unless range is 0) max_energy_range_uj.
void write_zone(const std::filesystem::path& powercap, const std::string& zone, const std::string& name,
                std::uint64_t energy_uj, std::uint64_t range_uj = 262143328850) {
  write_file(powercap / zone / "name", name + "\n");
  write_file(powercap / zone / "energy_uj", std::to_string(energy_uj) + "\n");
  if (range_uj != 0) write_file(powercap / zone / "max_energy_range_uj", std::to_string(range_uj) + "\n");
}

void set_energy(const std::filesystem::path& powercap, const std::string& zone, std::uint64_t energy_uj) {
  write_file(powercap / zone / "energy_uj", std::to_string(energy_uj) + "\n");
}

class RaplPowercap : public ::testing::Test {
 protected:
  testing::TempDir dir{"rapl_powercap"};
  // A clock one second further at every read: counter steps are judged against physical power.
  MeterOptions options{.sysfs_root = dir.path() / "sys", .clock = [t = 0.0]() mutable { return t += 1.0; }};
  std::filesystem::path powercap = dir.path() / "sys" / "class" / "powercap";
};

TEST_F(RaplPowercap, TwoPackagesWithCoresAndDram) {
  write_file(powercap / "intel-rapl" / "enabled", "1\n");  // the control type itself is not a zone
  write_zone(powercap, "intel-rapl:0", "package-0", 1'000'000);
  write_zone(powercap, "intel-rapl:0:0", "core", 500'000);
  write_zone(powercap, "intel-rapl:0:1", "dram", 100'000);
  write_zone(powercap, "intel-rapl:1", "package-1", 2'000'000);
  write_zone(powercap, "intel-rapl:1:0", "core", 0);
  write_zone(powercap, "intel-rapl:1:1", "dram", 0);
  auto opened = open_rapl_powercap(options);
  ASSERT_TRUE(opened.meter) << opened.reason;
  auto& meter = *opened.meter;
  EXPECT_EQ(meter.source(), "rapl");
  ASSERT_EQ(meter.domains().size(), 6u);
  const std::vector<std::pair<std::string, bool>> expected{{"package-0", true}, {"cores-0", false}, {"dram-0", true},
                                                           {"package-1", true}, {"cores-1", false}, {"dram-1", true}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(meter.domains()[i].name, expected[i].first);
    EXPECT_EQ(meter.domains()[i].in_total, expected[i].second) << expected[i].first;
  }
  set_energy(powercap, "intel-rapl:0", 3'500'000);    // +2.5 J
  set_energy(powercap, "intel-rapl:0:0", 1'500'000);  // +1.0 J
  set_energy(powercap, "intel-rapl:0:1", 350'000);    // +0.25 J
  set_energy(powercap, "intel-rapl:1", 2'000'001);    // +1 uJ
  const auto r = meter.read();
  EXPECT_DOUBLE_EQ(r.joules[0], 2.5);
  EXPECT_DOUBLE_EQ(r.joules[1], 1.0);
  EXPECT_DOUBLE_EQ(r.joules[2], 0.25);
  EXPECT_DOUBLE_EQ(r.joules[3], 1e-6);
  EXPECT_DOUBLE_EQ(r.joules[4], 0.0);
}

TEST_F(RaplPowercap, PsysAloneCountsInTheTotal) {
  write_zone(powercap, "intel-rapl:0", "package-0", 0);
  write_zone(powercap, "intel-rapl:0:0", "core", 0);
  write_zone(powercap, "intel-rapl:0:1", "uncore", 0);
  write_zone(powercap, "intel-rapl:1", "psys", 0);
  auto opened = open_rapl_powercap(options);
  ASSERT_TRUE(opened.meter) << opened.reason;
  for (const auto& d : opened.meter->domains()) EXPECT_EQ(d.in_total, d.name == "psys") << d.name;
}

TEST_F(RaplPowercap, CounterWrappingOnce) {
  // Range 1 J: 0.9 J -> wraps -> 0.1 J is 0.1 + (1.0 - 0.9) = 0.2 J.
  write_zone(powercap, "intel-rapl:0", "package-0", 900'000, 1'000'000);
  auto meter = std::move(open_rapl_powercap(options).meter);
  ASSERT_TRUE(meter);
  set_energy(powercap, "intel-rapl:0", 100'000);
  EXPECT_NEAR(meter->read().joules[0], 0.2, 1e-12);
}

TEST_F(RaplPowercap, CounterWrappingSeveralTimesInOneLongWindow) {
  // Range 1 J, read after each of four wraps: 0.9 -> 0.3 (0.4 J) -> 0.2 (0.9 J) -> 0.1 (0.9 J)
  // -> 0.0 (0.9 J), then 0.6 without a wrap (0.6 J): 0.4 + 0.9 + 0.9 + 0.9 + 0.6 = 3.7 J.
  write_zone(powercap, "intel-rapl:0", "package-0", 900'000, 1'000'000);
  auto meter = std::move(open_rapl_powercap(options).meter);
  ASSERT_TRUE(meter);
  double joules = 0.0;
  for (const std::uint64_t value : {300'000, 200'000, 100'000, 0, 600'000}) {
    set_energy(powercap, "intel-rapl:0", value);
    joules = meter->read().joules[0];
  }
  EXPECT_NEAR(joules, 3.7, 1e-9);
}

TEST_F(RaplPowercap, ValueAboveTheRangeIsASuspectCounterNotEnergy) {
  write_zone(powercap, "intel-rapl:0", "package-0", 100'000, 1'000'000);
  auto meter = std::move(open_rapl_powercap(options).meter);
  ASSERT_TRUE(meter);
  set_energy(powercap, "intel-rapl:0", 5'000'000);  // above max_energy_range_uj
  EXPECT_THAT(message_of<MeterFault>([&] { (void)meter->read(); }), HasSubstr("suspect counter"));
}

TEST_F(RaplPowercap, StepBackwardsThatWouldBeAHugeWrapIsSuspect) {
  // A typical range of 262 kJ; the counter steps back by 1 J in one second: as a wrap that would be
  // about 262 kJ in 1 s, no real zone's power, so it is refused rather than counted.
  write_zone(powercap, "intel-rapl:0", "package-0", 2'000'000);
  auto meter = std::move(open_rapl_powercap(options).meter);
  ASSERT_TRUE(meter);
  set_energy(powercap, "intel-rapl:0", 3'000'000);
  EXPECT_NEAR(meter->read().joules[0], 1.0, 1e-12);
  set_energy(powercap, "intel-rapl:0", 2'000'000);
  EXPECT_THAT(message_of<MeterFault>([&] { (void)meter->read(); }), HasSubstr("suspect counter"));
}

TEST_F(RaplPowercap, MmioZoneRepeatingAPackageIsSkipped) {
  write_zone(powercap, "intel-rapl:0", "package-0", 0);
  write_zone(powercap, "intel-rapl-mmio:0", "package-0", 0);
  auto opened = open_rapl_powercap(options);
  ASSERT_TRUE(opened.meter) << opened.reason;
  ASSERT_EQ(opened.meter->domains().size(), 1u);
  EXPECT_NE(opened.meter->notes().find("intel-rapl-mmio:0: package-0 already measured"), std::string::npos)
      << opened.meter->notes();
}

TEST_F(RaplPowercap, MmioOnlyPackageIsUsed) {
  write_zone(powercap, "intel-rapl-mmio:0", "package-0", 10);
  auto opened = open_rapl_powercap(options);
  ASSERT_TRUE(opened.meter) << opened.reason;
  set_energy(powercap, "intel-rapl-mmio:0", 2'000'010);
  EXPECT_DOUBLE_EQ(opened.meter->read().joules[0], 2.0);
}

TEST_F(RaplPowercap, MissingRangeIsUnavailableAndNamesTheFile) {
  write_zone(powercap, "intel-rapl:0", "package-0", 0, /*range_uj=*/0);
  const auto opened = open_rapl_powercap(options);
  EXPECT_FALSE(opened.meter);
  EXPECT_NE(opened.reason.find("intel-rapl:0/max_energy_range_uj"), std::string::npos) << opened.reason;
  EXPECT_NE(opened.reason.find("wraparound"), std::string::npos) << opened.reason;
}

TEST_F(RaplPowercap, NoPowercapTreeSaysWhy) {
  const auto opened = open_rapl_powercap(options);
  EXPECT_FALSE(opened.meter);
  EXPECT_NE(opened.reason.find("no RAPL zones under"), std::string::npos) << opened.reason;
}

TEST_F(RaplPowercap, ZoneVanishingMidRunIsAFault) {
  write_zone(powercap, "intel-rapl:0", "package-0", 0);
  auto meter = std::move(open_rapl_powercap(options).meter);
  ASSERT_TRUE(meter);
  // The file stays open, so the fault a vanished zone causes is a read that returns nothing.
  std::filesystem::resize_file(powercap / "intel-rapl:0" / "energy_uj", 0);
  EXPECT_THROW(meter->read(), MeterFault);
}

TEST(RaplPowercapPermissions, UnreadableEnergyNamesTheFileAndTheFix) {
  testing::TempDir dir("rapl_permissions", testing::TempDir::Where::world_readable);
  const auto powercap = dir.path() / "sys" / "class" / "powercap";
  write_zone(powercap, "intel-rapl:0", "package-0", 0);
  std::filesystem::permissions(powercap / "intel-rapl:0" / "energy_uj", std::filesystem::perms::owner_write);
  const MeterOptions options{.sysfs_root = dir.path() / "sys"};
  const std::string reason = testing::run_unprivileged([&] {
    const auto opened = open_rapl_powercap(options);
    return opened.meter ? std::string("opened") : opened.reason;
  });
  EXPECT_NE(reason.find("permission denied reading " + (powercap / "intel-rapl:0" / "energy_uj").string()),
            std::string::npos)
      << reason;
  EXPECT_NE(reason.find("chmod a+r"), std::string::npos) << reason;
}

}  // namespace
}  // namespace greenbatch::energy
