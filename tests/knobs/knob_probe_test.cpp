// Tests of probing the knobs against a fake cpufreq tree and the fake NVML library.
#include "greenbatch/knobs/knob_probe.h"

#include <cstdlib>

#include <gtest/gtest.h>

#include "knobs/fake_cpufreq.h"
#include "support/temp_dir.h"
#include "support/text.h"

namespace greenbatch::knobs {
namespace {

using testing::contains;

TEST(KnobProbe, AvailableKnobsGiveTheirValueAndRange) {
  testing::TempDir dir("knob_probe_available");
  testing::build_fake_cpufreq(dir.path() / "sys");
  ::unsetenv("FAKE_NVML_KNOBS");
  ::unsetenv("FAKE_NVML_INIT_FAIL");
  ::setenv("FAKE_NVML_DEVICES", "1", 1);
  const auto probes = probe_knobs({dir.path() / "sys", FAKE_NVML_PATH, dir.path() / "state"});
  ASSERT_EQ(probes.size(), 3U);
  EXPECT_EQ(probes[0].name, "--cpu-max-freq");
  ASSERT_TRUE(probes[0].available) << probes[0].reason;
  EXPECT_EQ(probes[0].min, 800000);
  EXPECT_EQ(probes[0].max, 3000000);
  EXPECT_TRUE(contains(probes[0].current, std::to_string(testing::allowed_cpus().size()) + " CPUs"))
      << probes[0].current;
  ASSERT_TRUE(probes[1].available) << probes[1].reason;
  EXPECT_EQ(probes[1].min, 100);
  EXPECT_EQ(probes[1].max, 300);
  EXPECT_TRUE(contains(probes[1].current, "250")) << probes[1].current;
  ASSERT_TRUE(probes[2].available) << probes[2].reason;
  EXPECT_EQ(probes[2].min, 210);
  EXPECT_EQ(probes[2].max, 1410);
}

TEST(KnobProbe, UnavailableKnobsSayWhyAndTheFix) {
  testing::TempDir dir("knob_probe_unavailable");
  ::setenv("FAKE_NVML_INIT_FAIL", "1", 1);
  const auto probes = probe_knobs({dir.path() / "sys", FAKE_NVML_PATH, dir.path() / "state"});
  ::unsetenv("FAKE_NVML_INIT_FAIL");
  ASSERT_EQ(probes.size(), 3U);
  for (const auto& probe : probes) EXPECT_FALSE(probe.available) << probe.name;
  EXPECT_TRUE(contains(probes[0].reason, "cpufreq")) << probes[0].reason;
  EXPECT_TRUE(contains(probes[1].reason, "Driver Not Loaded")) << probes[1].reason;
  EXPECT_TRUE(contains(probes[1].reason, "nvidia-smi")) << probes[1].reason;
}

}  // namespace
}  // namespace greenbatch::knobs
