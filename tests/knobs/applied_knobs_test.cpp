// Tests of setting and restoring knobs against a fake cpufreq tree and the fake NVML library.
#include "greenbatch/knobs/applied_knobs.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <gtest/gtest.h>

#include "greenbatch/core/error.h"
#include "knobs/fake_cpufreq.h"
#include "support/error_message.h"
#include "support/temp_dir.h"
#include "support/text.h"

namespace greenbatch::knobs {
namespace {

using testing::contains;
using testing::read_text;

using testing::allowed_cpus;
using testing::message_of;
using testing::original_cap;
using testing::read_cap;

class AppliedKnobsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::build_fake_cpufreq(dir_.path() / "sys");
    ::setenv("FAKE_NVML_KNOBS", (dir_.path() / "nvml_knobs").c_str(), 1);
    ::setenv("FAKE_NVML_DEVICES", "2", 1);
    ::unsetenv("FAKE_NVML_SET_FAIL");
    ::unsetenv("FAKE_NVML_INIT_FAIL");
  }
  void TearDown() override { ::unsetenv("FAKE_NVML_KNOBS"); }

  [[nodiscard]] KnobOptions options() const { return {dir_.path() / "sys", FAKE_NVML_PATH, dir_.path() / "state"}; }
  [[nodiscard]] std::filesystem::path own_state_file() const { return state_file(options(), getpid()); }
  void expect_caps_original() const {
    for (const int cpu : allowed_cpus())
      EXPECT_EQ(read_cap(dir_.path() / "sys", cpu), original_cap(cpu)) << "cpu" << cpu;
  }
  [[nodiscard]] std::string nvml_knobs() const { return read_text(dir_.path() / "nvml_knobs"); }

  testing::TempDir dir_{"applied_knobs"};
};

TEST_F(AppliedKnobsTest, SetsTheCpuCapAndRestoresItOnNormalExit) {
  {
    const AppliedKnobs knobs(KnobSettings{.cpu_max_freq_khz = 1200000}, options());
    for (const int cpu : allowed_cpus()) EXPECT_EQ(read_cap(dir_.path() / "sys", cpu), 1200000U) << "cpu" << cpu;
    ASSERT_EQ(knobs.applied().size(), 1U);
    EXPECT_TRUE(contains(knobs.applied()[0], "cpu_max_freq 1200000 kHz")) << knobs.applied()[0];
    // The originals are on disk while the cap is set.
    const auto state = read_text(own_state_file());
    EXPECT_TRUE(contains(state, std::to_string(original_cap(allowed_cpus().front())))) << state;
  }
  expect_caps_original();
  EXPECT_FALSE(std::filesystem::exists(own_state_file()));
}

TEST_F(AppliedKnobsTest, RestoresAfterAnException) {
  EXPECT_THROW(
      {
        const AppliedKnobs knobs(KnobSettings{.cpu_max_freq_khz = 900000, .gpu_power_limit_w = 150}, options());
        EXPECT_EQ(nvml_knobs(), "150000 0 0\n150000 0 0\n");
        throw std::runtime_error("the trial failed");
      },
      std::runtime_error);
  expect_caps_original();
  EXPECT_EQ(nvml_knobs(), "250000 0 0\n250000 0 0\n");
  EXPECT_FALSE(std::filesystem::exists(own_state_file()));
}

TEST_F(AppliedKnobsTest, LocksAndUnlocksGpuClocks) {
  {
    const AppliedKnobs knobs(KnobSettings{.gpu_clocks_mhz = 1200}, options());
    EXPECT_EQ(nvml_knobs(), "250000 1200 1200\n250000 1200 1200\n");
  }
  EXPECT_EQ(nvml_knobs(), "250000 0 0\n250000 0 0\n");
}

TEST_F(AppliedKnobsTest, OutOfRangeValuesNameTheAllowedRangeAndChangeNothing) {
  const auto cpu = message_of<UsageError>([&] { AppliedKnobs(KnobSettings{.cpu_max_freq_khz = 5000000}, options()); });
  EXPECT_TRUE(contains(cpu, "--cpu-max-freq 5000000 kHz")) << cpu;
  EXPECT_TRUE(contains(cpu, "800000..3000000 kHz")) << cpu;
  const auto power = message_of<UsageError>(
      [&] { AppliedKnobs(KnobSettings{.cpu_max_freq_khz = 1000000, .gpu_power_limit_w = 400}, options()); });
  EXPECT_TRUE(contains(power, "100..300 W")) << power;
  const auto clocks = message_of<UsageError>([&] { AppliedKnobs(KnobSettings{.gpu_clocks_mhz = 2000}, options()); });
  EXPECT_TRUE(contains(clocks, "210..1410 MHz")) << clocks;
  // Checked before anything changed: the CPU cap of the second attempt was never written.
  expect_caps_original();
  EXPECT_FALSE(std::filesystem::exists(own_state_file()));
}

TEST_F(AppliedKnobsTest, AFailedSetRestoresWhatWasSetBeforeIt) {
  ::setenv("FAKE_NVML_SET_FAIL", "1", 1);
  const auto message = message_of<UnsupportedError>(
      [&] { AppliedKnobs(KnobSettings{.cpu_max_freq_khz = 1000000, .gpu_power_limit_w = 200}, options()); });
  ::unsetenv("FAKE_NVML_SET_FAIL");
  EXPECT_TRUE(contains(message, "Insufficient Permissions")) << message;
  EXPECT_TRUE(contains(message, "root")) << message;
  expect_caps_original();
  EXPECT_FALSE(std::filesystem::exists(own_state_file()));
}

TEST_F(AppliedKnobsTest, UnavailableKnobsSayWhyAndTheFix) {
  const KnobOptions bare{dir_.path() / "empty", dir_.path() / "no-such-libnvidia-ml.so.1", dir_.path() / "state"};
  const auto cpu = message_of<UnsupportedError>([&] { AppliedKnobs(KnobSettings{.cpu_max_freq_khz = 1000000}, bare); });
  EXPECT_TRUE(contains(cpu, "no readable cpufreq cap")) << cpu;
  EXPECT_TRUE(contains(cpu, "this knob needs cpufreq")) << cpu;
  const auto gpu = message_of<UnsupportedError>([&] { AppliedKnobs(KnobSettings{.gpu_power_limit_w = 200}, bare); });
  EXPECT_TRUE(contains(gpu, "--gpu-power-limit is unavailable")) << gpu;
  EXPECT_TRUE(contains(gpu, "GREENBATCH_NVML_LIBRARY")) << gpu;
}

TEST_F(AppliedKnobsTest, NoKnobsTouchesNothing) {
  { const AppliedKnobs knobs(KnobSettings{}, options()); }
  EXPECT_FALSE(std::filesystem::exists(options().state_dir));
  expect_caps_original();
}

}  // namespace
}  // namespace greenbatch::knobs
