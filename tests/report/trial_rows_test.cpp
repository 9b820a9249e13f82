// A stored trial's knob levels: threads as asked (else as resolved), precision and the power
// settings from its requested settings, with older trials' missing keys read as their defaults.
#include "report/trial_rows.h"

#include <gtest/gtest.h>

namespace greenbatch::report {
namespace {

std::vector<std::string> labels(const std::vector<KnobLevel>& levels) {
  std::vector<std::string> out;
  for (const auto& l : levels) out.push_back(l.label());
  return out;
}

TEST(TrialRowKnobs, ReadFromTheRequestedSettings) {
  const auto levels = knob_levels(
      4,
      R"({"threads":2,"precision":"bf16","cpu_max_freq_khz":1200000,"gpu_power_limit_w":250,"gpu_clocks_mhz":null})");
  EXPECT_EQ(labels(levels), (std::vector<std::string>{"threads=2", "precision=bf16", "cpu_max_freq_khz=1200000",
                                                      "gpu_power_limit_w=250", "gpu_clocks_mhz=none"}));
  EXPECT_DOUBLE_EQ(levels[2].rank, 1200000.0);
  EXPECT_LT(levels[0], knob_levels(3, "{}")[0]) << "threads ordered by count";
}

TEST(TrialRowKnobs, OlderTrialsReadAsDefaults) {
  // threads=0 asked for the cores available: the resolved count; no precision key: fp32.
  EXPECT_EQ(labels(knob_levels(16, R"({"threads":0})")),
            (std::vector<std::string>{"threads=16", "precision=fp32", "cpu_max_freq_khz=none", "gpu_power_limit_w=none",
                                      "gpu_clocks_mhz=none"}));
  EXPECT_EQ(labels(knob_levels(2, "")), labels(knob_levels(2, R"({"threads":0})"))) << "no requested settings stored";
  const auto capped = knob_levels(1, R"({"cpu_max_freq_khz":3000000})")[2];
  const auto uncapped = knob_levels(1, "{}")[2];
  EXPECT_LT(capped, uncapped) << "no cap ranks above every cap";
  const auto bf16 = knob_levels(1, R"({"precision":"bf16"})")[1];
  EXPECT_LT(knob_levels(1, "{}")[1], bf16) << "fp32 first";
}

TEST(TrialRowKnobs, EveryStoredTrialGetsItsLevels) {
  trial::TrialRecord t;
  t.config.model = "m";
  t.config.threads = 1;
  t.requested_json = R"({"threads":2,"precision":"fp32"})";
  const auto rows = trial_rows({t});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].knobs.at(0).label(), "threads=2") << "the design's level, although the backend ran one thread";
  EXPECT_EQ(rows[0].knobs.size(), std::size(kKnobs));
}

}  // namespace
}  // namespace greenbatch::report
