// End-to-end: `greenbatch meters`, `--meter` and energy in `profile`, on this machine and against
// fixture roots (a powercap tree, the fake NVML library).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <nlohmann/json.hpp>

#include "cli/run_cli.h"
#include "support/fixture_tree.h"
#include "support/temp_dir.h"
#include "support/text.h"

namespace greenbatch::testing {
namespace {

using nlohmann::json;

// Sets the meter environment for one test and restores a plain one afterwards.
class MetersCli : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const char* name :
         {"GREENBATCH_SYSFS_ROOT", "GREENBATCH_NVML_LIBRARY", "FAKE_NVML_MODE", "FAKE_NVML_VALUES"}) {
      unsetenv(name);
    }
  }
};

TEST_F(MetersCli, JsonOnThisMachineExplainsEveryMeter) {
  const auto r = run_cli({"meters", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto report = json::parse(r.out);
  ASSERT_EQ(report["meters"].size(), 5u);
  bool estimate_available = false;
  for (const auto& m : report["meters"]) {
    if (m["available"]) {
      EXPECT_FALSE(m["domains"].empty()) << m;
      const auto source = m["source"].get<std::string>();
      EXPECT_TRUE(source == "rapl" || source == "perf" || source == "nvml" || source == "estimate") << m;
      EXPECT_EQ(source == "estimate", m["name"] == "estimate") << m;  // only the estimate is labelled one
    } else {
      EXPECT_FALSE(m["reason"].get<std::string>().empty()) << m;  // unavailable always says why
    }
    estimate_available = estimate_available || (m["name"] == "estimate" && m["available"]);
  }
  EXPECT_TRUE(estimate_available);
  ASSERT_FALSE(report["auto"].empty());  // counters when there are any, else the estimate
  EXPECT_EQ(report["roots"]["sysfs"], "/sys");
}

TEST_F(MetersCli, FixtureRootsAreUsedAndAutoPrefersCounters) {
  TempDir dir("meters_cli_roots");
  const auto zone = dir.path() / "class" / "powercap" / "intel-rapl:0";
  write_file(zone / "name", "package-0\n");
  write_file(zone / "energy_uj", "1000\n");
  write_file(zone / "max_energy_range_uj", "262143328850\n");
  setenv("GREENBATCH_SYSFS_ROOT", dir.path().c_str(), 1);
  setenv("GREENBATCH_NVML_LIBRARY", FAKE_NVML_PATH, 1);
  setenv("FAKE_NVML_MODE", "counter", 1);
  setenv("FAKE_NVML_VALUES", "1000,2000,3000,4000", 1);
  const auto r = run_cli({"meters"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "rapl      available   rapl [package-0]")) << r.out;
  EXPECT_TRUE(contains(r.out, "nvml      available   nvml [gpu-0]")) << r.out;
  EXPECT_TRUE(contains(r.out, "--meter auto uses: rapl,nvml")) << r.out;
}

TEST_F(MetersCli, ProfileOnThisMachineShowsTheEstimateAsSuch) {
  const auto r = run_cli({"profile", "--backend", "synthetic:alpha=1,tau0=2,mode=spin", "-b", "1,4", "--min-seconds",
                          "0.2", "--meter", "estimate", "--idle-seconds", "0.3", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "ESTIMATE from a power model, not a measurement")) << r.err;
  const auto rows = json::parse(r.out);
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& row : rows) {
    EXPECT_EQ(row["energy_source"], "estimate");
    EXPECT_EQ(row["energy_status"], "ok");
    EXPECT_GT(row["energy_per_image_j"].get<double>(), 0.0);
    EXPECT_GT(row["idle_power_w"].get<double>(), 0.0);
    EXPECT_FALSE(row["dynamic_energy_per_image_j"].is_null());
    EXPECT_GE(row["peak_power_w"].get<double>(), row["idle_power_w"].get<double>());
    EXPECT_TRUE(contains(row["energy_by_domain_j"].get<std::string>(), "cpu=")) << row;
  }
}

TEST_F(MetersCli, MeterFailingMidRunKeepsTheProfileAndSaysSo) {
  // The fake GPU answers only its first three reads, then is "lost" early in the run.
  setenv("GREENBATCH_NVML_LIBRARY", FAKE_NVML_PATH, 1);
  setenv("FAKE_NVML_MODE", "counter", 1);
  setenv("FAKE_NVML_VALUES", "1000,2000,3000", 1);
  const auto r = run_cli({"profile", "--backend", "synthetic:alpha=1,tau0=2", "-b", "1,2", "--min-seconds", "0.1",
                          "--meter", "estimate,nvml", "--idle-seconds", "0.2", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "energy: nvml failed at")) << r.err;
  const auto rows = json::parse(r.out);
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& row : rows) {
    EXPECT_EQ(row["energy_status"], "meter_failed");
    EXPECT_TRUE(row["energy_j"].is_null());  // the total is unknown without the GPU
    EXPECT_TRUE(contains(row["energy_by_domain_j"].get<std::string>(), "cpu=")) << row;  // the CPU part is kept
    EXPECT_GT(row["throughput_ips"].get<double>(), 0.0);
  }
}

TEST_F(MetersCli, UnknownMeterListsTheValidOnes) {
  const auto r = run_cli({"profile", "--backend", "synthetic:alpha=1,tau0=1", "-b", "1", "--meter", "joules"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "valid: auto, none, rapl, perf, rapl-msr, nvml, estimate")) << r.err;
}

TEST_F(MetersCli, NamedUnavailableMeterSaysWhyAndExits4) {
  setenv("GREENBATCH_NVML_LIBRARY", "/nonexistent/libnvidia-ml.so.1", 1);
  const auto r = run_cli({"profile", "--backend", "synthetic:alpha=1,tau0=1", "-b", "1", "--meter", "nvml"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_TRUE(contains(r.err, "/nonexistent/libnvidia-ml.so.1")) << r.err;
}

}  // namespace
}  // namespace greenbatch::testing
