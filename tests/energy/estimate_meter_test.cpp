// The estimate meter: table lookup, overrides, and P = P_idle + (P_max - P_idle)·u integrated.
#include <gtest/gtest.h>

#include "energy/estimate_meter.h"
#include "energy/meters.h"
#include "support/fixture_tree.h"
#include "support/temp_dir.h"

namespace greenbatch::energy {
namespace {

// Successive values of a scripted clock.
std::function<double()> sequence(std::vector<double> values) {
  auto state = std::make_shared<std::pair<std::vector<double>, std::size_t>>(std::move(values), 0);
  return [state] { return state->first.at(state->second++); };
}

TEST(EstimateModel, KnownFamilyScalesWithLogicalCpus) {
  // Cloud Carbon Footprint's AMD EPYC 3rd gen row: 0.4556 W idle, 1.9573 W busy per logical CPU
  // (ccf-coefficients output/coefficients-aws-use.csv), rounded to 0.46 and 1.96.
  const auto model = estimate_model(MeterOptions{}, 4, "AMD EPYC 7B13 64-Core Processor");
  EXPECT_DOUBLE_EQ(model.idle_w, 0.46 * 4);
  EXPECT_DOUBLE_EQ(model.max_w, 1.96 * 4);
  EXPECT_NE(model.basis.find("Milan"), std::string::npos) << model.basis;
}

TEST(EstimateModel, UnknownCpuUsesTheStatedDefault) {
  const auto model = estimate_model(MeterOptions{}, 2, "AMD EPYC");
  EXPECT_DOUBLE_EQ(model.idle_w, 0.73 * 2);  // the median over the file's architectures
  EXPECT_DOUBLE_EQ(model.max_w, 3.72 * 2);
  EXPECT_NE(model.basis.find("default for an unknown CPU ('AMD EPYC')"), std::string::npos) << model.basis;
}

TEST(EstimateModel, OverridesWin) {
  MeterOptions options;
  options.estimate_idle_w = 20.0;
  options.estimate_max_w = 95.0;
  const auto model = estimate_model(options, 8, "Intel(R) Xeon(R) Platinum 8275CL CPU @ 3.00GHz");
  EXPECT_DOUBLE_EQ(model.idle_w, 20.0);
  EXPECT_DOUBLE_EQ(model.max_w, 95.0);
  EXPECT_NE(model.basis.find("GREENBATCH_ESTIMATE_IDLE_W"), std::string::npos);
}

TEST(EstimateMeter, IntegratesTheLinearModel) {
  // 2 CPUs, 10 W idle, 30 W busy. Wall 0 -> 1 s with 1 CPU-second used: u = 1 / (1 x 2) = 0.5,
  // P = 10 + 20 x 0.5 = 20 W -> 20 J. Then 1 -> 3 s with no CPU used: 10 W x 2 s = 20 J -> 40 J.
  // Then 3 -> 4 s with 4 CPU-seconds (more than 2 CPUs can give): u clamps to 1 -> 30 J -> 70 J.
  auto meter = make_estimate_meter({10.0, 30.0, "test"}, 2, sequence({0.0, 1.0, 1.0, 5.0}),
                                   sequence({0.0, 1.0, 3.0, 4.0}));
  EXPECT_EQ(meter->source(), "estimate");
  EXPECT_DOUBLE_EQ(meter->read().joules[0], 20.0);
  EXPECT_DOUBLE_EQ(meter->read().joules[0], 40.0);
  EXPECT_DOUBLE_EQ(meter->read().joules[0], 70.0);
}

TEST(EstimateMeter, ReadsTheCpuModelFromCpuinfo) {
  testing::TempDir dir("estimate_cpuinfo");
  testing::write_file(dir.path() / "cpuinfo",
                      "processor\t: 0\nvendor_id\t: GenuineIntel\n"
                      "model name\t: Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz\n");
  MeterOptions options;
  options.proc_root = dir.path();
  const auto opened = open_estimate(options);
  ASSERT_TRUE(opened.meter);
  EXPECT_NE(opened.meter->notes().find("Broadwell"), std::string::npos) << opened.meter->notes();
}

}  // namespace
}  // namespace greenbatch::energy
