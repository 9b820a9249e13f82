// Sampler windows, trace, faults and the idle baseline against scripted meters.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "energy/scripted_meter.h"
#include "greenbatch/energy/baseline.h"
#include "greenbatch/energy/sampler.h"

namespace greenbatch::energy {
namespace {

using testing::ScriptedMeter;

// A clock that returns the scripted times in order (the sampler reads it once per sample).
std::function<double()> scripted_clock(std::vector<double> times) {
  auto state = std::make_shared<std::pair<std::vector<double>, std::size_t>>(std::move(times), 0);
  return [state] { return state->first.at(state->second++); };
}

std::vector<std::unique_ptr<Meter>> one_meter(std::unique_ptr<Meter> meter) {
  std::vector<std::unique_ptr<Meter>> meters;
  meters.push_back(std::move(meter));
  return meters;
}

TEST(Sampler, WindowIsCounterDifferenceAndSkipsNestedDomains) {
  // package-0 in total, cores-0 nested. Readings at t = 0, 1, 2 s (construction, two marks).
  auto meter = std::make_unique<ScriptedMeter>(
      "rapl", std::vector<Domain>{{"package-0", DomainKind::package, true}, {"cores-0", DomainKind::cores, false}},
      std::deque<Reading>{{0.0, {0.0, 0.0}}, {1.0, {10.0, 6.0}}, {2.0, {40.0, 30.0}}});
  Sampler sampler(one_meter(std::move(meter)), {0.01, true, scripted_clock({0.0, 1.0, 2.0})});
  const auto begin = sampler.mark();  // t = 1
  const auto end = sampler.mark();    // t = 2
  const auto w = sampler.window(begin, end);
  EXPECT_EQ(w.status, WindowStatus::ok);
  EXPECT_DOUBLE_EQ(w.seconds, 1.0);
  ASSERT_EQ(w.domains.size(), 2u);
  EXPECT_DOUBLE_EQ(*w.domains[0].joules, 30.0);  // 40 - 10
  EXPECT_DOUBLE_EQ(*w.domains[1].joules, 24.0);  // 30 - 6
  EXPECT_DOUBLE_EQ(*w.total_j, 30.0);            // cores are inside the package: not added
  EXPECT_EQ(w.source, "rapl");
  EXPECT_DOUBLE_EQ(*w.avg_power_w, 30.0);
  EXPECT_DOUBLE_EQ(*w.peak_power_w, 30.0);  // the one sample inside (1, 2]: (40-10)/1 W
}

TEST(Sampler, TotalsAddMetersAndPeakComesFromTheTrace) {
  std::vector<std::unique_ptr<Meter>> meters;
  meters.push_back(
      std::make_unique<ScriptedMeter>("rapl", std::vector<Domain>{{"package-0", DomainKind::package, true}},
                                      std::deque<Reading>{{0.0, {0.0}}, {1.0, {5.0}}, {2.0, {25.0}}, {3.0, {30.0}}}));
  meters.push_back(std::make_unique<ScriptedMeter>(
      "nvml", std::vector<Domain>{{"gpu-0", DomainKind::gpu, true}},
      std::deque<Reading>{{0.0, {0.0}}, {1.0, {100.0}}, {2.0, {150.0}}, {3.0, {170.0}}}));
  Sampler sampler(std::move(meters), {0.01, true, scripted_clock({0.0, 1.0, 2.0, 3.0})});
  const auto begin = sampler.mark();  // t = 1
  sampler.mark();                     // t = 2: a trace sample inside the window
  const auto end = sampler.mark();    // t = 3
  const auto w = sampler.window(begin, end);
  EXPECT_EQ(w.source, "rapl+nvml");
  EXPECT_DOUBLE_EQ(*w.total_j, 95.0);       // (30 - 5) + (170 - 100)
  EXPECT_DOUBLE_EQ(*w.avg_power_w, 47.5);   // 95 J / 2 s
  EXPECT_DOUBLE_EQ(*w.peak_power_w, 70.0);  // t = 2: 20 W + 50 W; t = 3: 5 W + 20 W
  const auto trace = sampler.trace(1.0, 3.0);
  ASSERT_EQ(trace.size(), 2u);
  EXPECT_DOUBLE_EQ(*trace[0].watts[1], 50.0);
}

TEST(Sampler, ShortWindowIsFlaggedNotZero) {
  // A counter that updates every 100 ms did not move during a 20 ms window.
  auto meter = std::make_unique<ScriptedMeter>("nvml", std::vector<Domain>{{"gpu-0", DomainKind::gpu, true}},
                                               std::deque<Reading>{{0.0, {0.0}}, {1.0, {7.0}}, {1.02, {7.0}}}, 0.1);
  Sampler sampler(one_meter(std::move(meter)), {0.01, true, scripted_clock({0.0, 1.0, 1.02})});
  const auto begin = sampler.mark();
  const auto w = sampler.window(begin, sampler.mark());
  EXPECT_EQ(w.status, WindowStatus::short_window);
  EXPECT_FALSE(w.domains[0].joules.has_value());
  EXPECT_FALSE(w.total_j.has_value());
  EXPECT_NE(w.detail.find("too short for nvml"), std::string::npos) << w.detail;
}

TEST(Sampler, MeterFailureKeepsOtherDomainsAndIsRecorded) {
  std::vector<std::unique_ptr<Meter>> meters;
  meters.push_back(std::make_unique<ScriptedMeter>("rapl",
                                                   std::vector<Domain>{{"package-0", DomainKind::package, true}},
                                                   std::deque<Reading>{{0.0, {0.0}}, {1.0, {5.0}}, {2.0, {9.0}}}));
  meters.push_back(std::make_unique<ScriptedMeter>(  // runs out after two readings
      "nvml", std::vector<Domain>{{"gpu-0", DomainKind::gpu, true}}, std::deque<Reading>{{0.0, {0.0}}, {1.0, {3.0}}}));
  Sampler sampler(std::move(meters), {0.01, true, scripted_clock({0.0, 1.0, 2.0})});
  const auto begin = sampler.mark();
  const auto end = sampler.mark();
  const auto w = sampler.window(begin, end);
  EXPECT_EQ(w.status, WindowStatus::meter_failed);
  EXPECT_DOUBLE_EQ(*w.domains[0].joules, 4.0);
  EXPECT_FALSE(w.domains[1].joules.has_value());
  EXPECT_FALSE(w.total_j.has_value());
  ASSERT_EQ(sampler.faults().size(), 1u);
  EXPECT_NE(sampler.faults()[0].find("nvml failed at 2.000 s"), std::string::npos) << sampler.faults()[0];
  EXPECT_EQ(sampler.trace(0.0, 1.0).size(), 1u);  // the data gathered before the fault stays
}

TEST(Sampler, NoMeterSaysSo) {
  Sampler sampler({}, {});
  const auto begin = sampler.mark();
  const auto w = sampler.window(begin, sampler.mark());
  EXPECT_EQ(w.status, WindowStatus::no_meter);
  EXPECT_FALSE(w.total_j.has_value());
  EXPECT_EQ(sampler.meter_names(), "none");
}

TEST(Sampler, BackgroundThreadReadsPeriodically) {
  std::deque<Reading> readings;
  for (int i = 0; i < 100000; ++i) readings.push_back({i * 0.001, {i * 0.01}});
  Sampler sampler(one_meter(std::make_unique<ScriptedMeter>(
                      "rapl", std::vector<Domain>{{"package-0", DomainKind::package, true}}, std::move(readings))),
                  {0.001, true, {}});
  sampler.start();
  // However loaded the machine, the thread keeps reading: wait for three reads (bounded at 30 s).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (sampler.reads() < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  sampler.stop();
  EXPECT_GE(sampler.reads(), 3u);
  EXPECT_GT(sampler.thread_cpu_seconds(), 0.0);
  EXPECT_TRUE(sampler.faults().empty());
}

TEST(Baseline, SplitsStaticAndDynamicEnergy) {
  EnergyWindow idle;
  idle.seconds = 2.0;
  idle.total_j = 10.0;
  idle.source = "rapl";
  const auto baseline = baseline_from(idle);
  EXPECT_DOUBLE_EQ(*baseline.power_w, 5.0);  // 10 J / 2 s
  EnergyWindow work;
  work.seconds = 4.0;
  work.total_j = 30.0;
  const auto split = split_energy(work, baseline);
  EXPECT_DOUBLE_EQ(*split.total_j, 30.0);
  EXPECT_DOUBLE_EQ(*split.static_j, 20.0);   // 5 W x 4 s
  EXPECT_DOUBLE_EQ(*split.dynamic_j, 10.0);  // 30 - 20
}

TEST(Baseline, WithoutIdlePowerStaticAndDynamicAreNull) {
  EnergyWindow idle;
  idle.seconds = 1.0;
  idle.detail = "meter failed";
  const auto baseline = baseline_from(idle);
  EXPECT_FALSE(baseline.power_w.has_value());
  EXPECT_EQ(baseline.detail, "meter failed");
  EnergyWindow work;
  work.seconds = 1.0;
  work.total_j = 3.0;
  const auto split = split_energy(work, baseline);
  EXPECT_DOUBLE_EQ(*split.total_j, 3.0);
  EXPECT_FALSE(split.static_j.has_value());
  EXPECT_FALSE(split.dynamic_j.has_value());
}

}  // namespace
}  // namespace greenbatch::energy
