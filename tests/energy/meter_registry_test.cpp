// Choosing meters: probing, `--meter auto`, explicit names and their errors.
#include <gtest/gtest.h>

#include "greenbatch/core/error.h"
#include "greenbatch/energy/meter_registry.h"
#include "support/fixture_tree.h"
#include "support/temp_dir.h"

namespace greenbatch::energy {
namespace {

// Options that see an empty machine: no powercap, no MSR, no perf PMU, no NVML library.
MeterOptions empty_machine(const std::filesystem::path& root) {
  MeterOptions options;
  options.sysfs_root = root / "sys";
  options.dev_root = root / "dev";
  options.proc_root = root / "proc";
  options.nvml_library = (root / "no-libnvidia-ml.so.1").string();
  return options;
}

void add_rapl_package(const std::filesystem::path& root) {
  const auto zone = root / "sys" / "class" / "powercap" / "intel-rapl:0";
  testing::write_file(zone / "name", "package-0\n");
  testing::write_file(zone / "energy_uj", "1000\n");
  testing::write_file(zone / "max_energy_range_uj", "262143328850\n");
}

TEST(MeterRegistry, EmptyMachineExplainsEveryCounterAndPicksTheEstimate) {
  testing::TempDir dir("registry_empty");
  const auto probes = probe_meters(empty_machine(dir.path()));
  ASSERT_EQ(probes.size(), meter_kinds().size());
  for (const auto& p : probes) {
    if (p.name == "estimate") {
      EXPECT_TRUE(p.available);
      EXPECT_EQ(p.source, "estimate");
    } else {
      EXPECT_FALSE(p.available) << p.name;
      EXPECT_FALSE(p.reason.empty()) << p.name;
    }
  }
  EXPECT_EQ(auto_selection(probes), std::vector<std::string>{"estimate"});
  const auto meters = open_meters("auto", empty_machine(dir.path()));
  ASSERT_EQ(meters.size(), 1u);
  EXPECT_EQ(meters[0]->source(), "estimate");
}

TEST(MeterRegistry, AutoPrefersACounterToTheEstimate) {
  testing::TempDir dir("registry_rapl");
  add_rapl_package(dir.path());
  const auto options = empty_machine(dir.path());
  EXPECT_EQ(auto_selection(probe_meters(options)), std::vector<std::string>{"rapl"});
  const auto meters = open_meters("auto", options);
  ASSERT_EQ(meters.size(), 1u);
  EXPECT_EQ(meters[0]->name(), "rapl");
}

TEST(MeterRegistry, NoneOpensNothing) {
  testing::TempDir dir("registry_none");
  EXPECT_TRUE(open_meters("none", empty_machine(dir.path())).empty());
}

TEST(MeterRegistry, UnknownNameListsTheValidOnes) {
  testing::TempDir dir("registry_unknown");
  try {
    open_meters("rapl,joulemeter", empty_machine(dir.path()));
    FAIL() << "expected a UsageError";
  } catch (const UsageError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("unknown meter 'joulemeter'"), std::string::npos) << message;
    EXPECT_NE(message.find("auto, none, rapl, perf, rapl-msr, nvml, estimate"), std::string::npos) << message;
  }
}

TEST(MeterRegistry, TwoCpuMetersWouldCountTwice) {
  testing::TempDir dir("registry_twice");
  add_rapl_package(dir.path());
  EXPECT_THROW(open_meters("rapl,estimate", empty_machine(dir.path())), UsageError);
}

TEST(MeterRegistry, NamedUnavailableMeterCarriesItsReason) {
  testing::TempDir dir("registry_unavailable");
  try {
    open_meters("nvml", empty_machine(dir.path()));
    FAIL() << "expected an UnsupportedError";
  } catch (const UnsupportedError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("meter 'nvml' is unavailable"), std::string::npos) << message;
    EXPECT_NE(message.find("no-libnvidia-ml.so.1"), std::string::npos) << message;
  }
}

TEST(MeterRegistry, ExplicitListOpensEachMeter) {
  testing::TempDir dir("registry_explicit");
  add_rapl_package(dir.path());
  const auto meters = open_meters("rapl", empty_machine(dir.path()));
  ASSERT_EQ(meters.size(), 1u);
  EXPECT_EQ(meters[0]->domains().at(0).name, "package-0");
}

TEST(MeterSelection, ParsedOnceAndNormalised) {
  EXPECT_EQ(MeterSelection::parse("auto").mode, MeterSelection::Mode::automatic);
  EXPECT_EQ(MeterSelection::parse("none").to_string(), "none");
  const auto named = MeterSelection::parse("rapl,nvml");
  EXPECT_EQ(named.mode, MeterSelection::Mode::named);
  ASSERT_EQ(named.kinds.size(), 2u);
  EXPECT_EQ(named.to_string(), "rapl,nvml");
  for (const char* bad : {"none,estimate", "estimate,auto"}) {
    try {
      (void)MeterSelection::parse(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("stands alone"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace greenbatch::energy
