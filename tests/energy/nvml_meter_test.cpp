// Tests of the NVML meter against the fake NVML library (tests/energy/fake_nvml.cpp).
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "energy/meters.h"
#include "support/temp_dir.h"
#include "support/text.h"

namespace greenbatch::energy {
namespace {

using testing::contains;

// Returns `times` one after another, one per call of the meter's clock.
std::function<double()> scripted_clock(std::vector<double> times) {
  auto next = std::make_shared<std::size_t>(0);
  return [times = std::move(times), next]() {
    if (*next >= times.size()) {
      ADD_FAILURE() << "the scripted clock ran out of times";
      return times.back();
    }
    return times[(*next)++];
  };
}

// Sets every variable the fake and the meter read, so tests also pass in one process.
// `cuda_visible` null leaves CUDA_VISIBLE_DEVICES unset.
void script_fake(const char* mode, const char* values, const char* devices = "1", const char* cuda_visible = nullptr) {
  ::unsetenv("FAKE_NVML_INIT_FAIL");
  ::setenv("FAKE_NVML_MODE", mode, 1);
  ::setenv("FAKE_NVML_VALUES", values, 1);
  ::setenv("FAKE_NVML_DEVICES", devices, 1);
  if (cuda_visible == nullptr) {
    ::unsetenv("CUDA_VISIBLE_DEVICES");
  } else {
    ::setenv("CUDA_VISIBLE_DEVICES", cuda_visible, 1);
  }
}

OpenResult open_fake(std::vector<double> times) {
  return open_nvml(MeterOptions{.nvml_library = FAKE_NVML_PATH, .clock = scripted_clock(std::move(times))});
}

TEST(NvmlMeter, LibraryNotFoundIsUnavailable) {
  const greenbatch::testing::TempDir dir("NvmlMeter.LibraryNotFoundIsUnavailable");
  const std::string missing = (dir.path() / "libnvidia-ml.so.1").string();
  const OpenResult result = open_nvml(MeterOptions{.nvml_library = missing});
  EXPECT_EQ(result.meter, nullptr);
  EXPECT_TRUE(contains(result.reason, "NVML library " + missing + " not found")) << result.reason;
}

TEST(NvmlMeter, InitFailureReportsTheNvmlError) {
  script_fake("counter", "0");
  ::setenv("FAKE_NVML_INIT_FAIL", "1", 1);
  const OpenResult result = open_fake({0.0});
  EXPECT_EQ(result.meter, nullptr);
  EXPECT_TRUE(contains(result.reason, "Driver Not Loaded")) << result.reason;
}

TEST(NvmlMeter, CounterModeReportsJoulesSinceOpen) {
  script_fake("counter", "100000,100500,102750");
  const OpenResult result = open_fake({0.0, 1.0, 2.0});
  ASSERT_NE(result.meter, nullptr) << result.reason;
  Meter& meter = *result.meter;
  EXPECT_EQ(meter.name(), "nvml");
  EXPECT_EQ(meter.source(), "nvml");
  EXPECT_DOUBLE_EQ(meter.resolution_s(), 0.1);
  ASSERT_EQ(meter.domains().size(), 1U);
  EXPECT_EQ(meter.domains()[0].name, "gpu-0");
  EXPECT_EQ(meter.domains()[0].kind, DomainKind::gpu);
  EXPECT_TRUE(meter.domains()[0].in_total);
  EXPECT_TRUE(contains(meter.notes(), "Fake GPU 0")) << meter.notes();
  EXPECT_TRUE(contains(meter.notes(), "energy counter")) << meter.notes();

  // The open read 100000 mJ; then (100500 - 100000) / 1000 = 0.5 J and (102750 - 100000) / 1000 = 2.75 J.
  const Reading first = meter.read();
  EXPECT_DOUBLE_EQ(first.time_s, 1.0);
  ASSERT_EQ(first.joules.size(), 1U);
  EXPECT_DOUBLE_EQ(first.joules[0], 0.5);
  const Reading second = meter.read();
  EXPECT_DOUBLE_EQ(second.time_s, 2.0);
  EXPECT_DOUBLE_EQ(second.joules[0], 2.75);
}

TEST(NvmlMeter, PowerModeIntegratesWithTheTrapezoidRule) {
  script_fake("power", "100000,200000,150000");
  const OpenResult result = open_fake({10.0, 12.0, 13.0});
  ASSERT_NE(result.meter, nullptr) << result.reason;
  Meter& meter = *result.meter;
  EXPECT_TRUE(contains(meter.notes(), "trapezoid")) << meter.notes();

  // Open: 100 W at t = 10 s. Read at 12 s: 200 W, (100 + 200) / 2 * 2 s = 300 J.
  // Read at 13 s: 150 W, 300 + (200 + 150) / 2 * 1 s = 475 J.
  EXPECT_DOUBLE_EQ(meter.read().joules.at(0), 300.0);
  EXPECT_DOUBLE_EQ(meter.read().joules.at(0), 475.0);
}

TEST(NvmlMeter, NoEnergyOrPowerIsUnavailable) {
  script_fake("none", "1000");
  const OpenResult result = open_fake({0.0});
  EXPECT_EQ(result.meter, nullptr);
  EXPECT_TRUE(contains(result.reason, "gpu-0 (Fake GPU 0, NVML device 0) skipped")) << result.reason;
  EXPECT_TRUE(contains(result.reason, "Not Supported")) << result.reason;
}

TEST(NvmlMeter, CudaVisibleDevicesIndexSelectsTheDevice) {
  script_fake("counter", "1000,3000", "2", "1");
  const OpenResult result = open_fake({0.0, 1.0});
  ASSERT_NE(result.meter, nullptr) << result.reason;
  ASSERT_EQ(result.meter->domains().size(), 1U);
  EXPECT_EQ(result.meter->domains()[0].name, "gpu-0");
  EXPECT_TRUE(contains(result.meter->notes(), "Fake GPU 1, NVML device 1")) << result.meter->notes();
  // Device 1 returns twice the values: (6000 - 2000) / 1000 = 4 J (device 0 would give 2 J).
  EXPECT_DOUBLE_EQ(result.meter->read().joules.at(0), 4.0);
}

TEST(NvmlMeter, EmptyCudaVisibleDevicesHidesEveryGpu) {
  script_fake("counter", "1000", "2", "");
  const OpenResult result = open_fake({0.0});
  EXPECT_EQ(result.meter, nullptr);
  EXPECT_TRUE(contains(result.reason, "no visible GPU")) << result.reason;
}

TEST(NvmlMeter, UuidEntrySelectsTheDevice) {
  script_fake("counter", "1000,3000", "2", "GPU-fake-1,0");
  const OpenResult result = open_fake({0.0, 1.0});
  ASSERT_NE(result.meter, nullptr) << result.reason;
  ASSERT_EQ(result.meter->domains().size(), 2U);
  EXPECT_EQ(result.meter->domains()[0].name, "gpu-0");
  EXPECT_EQ(result.meter->domains()[1].name, "gpu-1");
  // gpu-0 is device 1: (6000 - 2000) / 1000 = 4 J; gpu-1 is device 0: (3000 - 1000) / 1000 = 2 J.
  const Reading reading = result.meter->read();
  ASSERT_EQ(reading.joules.size(), 2U);
  EXPECT_DOUBLE_EQ(reading.joules[0], 4.0);
  EXPECT_DOUBLE_EQ(reading.joules[1], 2.0);
}

TEST(NvmlMeter, InvalidEntryEndsTheList) {
  script_fake("counter", "1000,3000", "2", "1,7,0");
  const OpenResult result = open_fake({0.0});
  ASSERT_NE(result.meter, nullptr) << result.reason;
  ASSERT_EQ(result.meter->domains().size(), 1U);
  EXPECT_TRUE(contains(result.meter->notes(), "gpu-0 (Fake GPU 1, NVML device 1)")) << result.meter->notes();
}

TEST(NvmlMeter, MigEntryIsUnavailable) {
  script_fake("counter", "1000", "1", "MIG-4b8b3c4e-0000-0000-0000-000000000000");
  const OpenResult result = open_fake({0.0});
  EXPECT_EQ(result.meter, nullptr);
  EXPECT_TRUE(contains(result.reason, "MIG instances are not supported")) << result.reason;
}

TEST(NvmlMeter, ValuesRunningOutThrowsMeterFault) {
  script_fake("counter", "1000,2000");
  const OpenResult result = open_fake({0.0, 1.0, 2.0});
  ASSERT_NE(result.meter, nullptr) << result.reason;
  EXPECT_DOUBLE_EQ(result.meter->read().joules.at(0), 1.0);
  try {
    result.meter->read();
    FAIL() << "read() did not throw";
  } catch (const MeterFault& fault) {
    EXPECT_TRUE(contains(fault.what(), "gpu-0")) << fault.what();
    EXPECT_TRUE(contains(fault.what(), "GPU is lost")) << fault.what();
  }
}

TEST(NvmlMeter, CounterGoingBackThrowsMeterFault) {
  script_fake("counter", "5000,4000");
  const OpenResult result = open_fake({0.0, 1.0});
  ASSERT_NE(result.meter, nullptr) << result.reason;
  EXPECT_THROW(result.meter->read(), MeterFault);
}

}  // namespace
}  // namespace greenbatch::energy
