// The offline profiler, driven by the synthetic backend whose batch time is known.
#include <gtest/gtest.h>

#include <algorithm>

#include "energy/scripted_meter.h"
#include "greenbatch/core/error.h"
#include "greenbatch/engine/synthetic_backend.h"
#include "greenbatch/profile/profiler.h"

namespace greenbatch::profile {
namespace {

TEST(Profiler, OneRecordPerBatchSizeWithConsistentFigures) {
  const auto backend = engine::make_synthetic_backend(engine::parse_synthetic_spec("alpha=2,tau0=3,mode=sleep"));
  ProfileOptions options;
  options.batch_sizes = {1, 4};
  options.min_seconds = 0.0;
  options.min_batches = 4;
  std::vector<int> seen;
  const auto records = run_profile(*backend, options, [&](const ProfileRecord& r) { seen.push_back(r.batch_size); });
  ASSERT_EQ(records.size(), 2U);
  EXPECT_EQ(seen, (std::vector<int>{1, 4}));
  for (const auto& r : records) {
    const double expected_ms = 2.0 * r.batch_size + 3.0;
    EXPECT_EQ(r.batches, 4);
    ASSERT_EQ(r.latency_samples_ms.size(), 4U);  // every timed batch, for the profile document
    EXPECT_GE(*std::ranges::min_element(r.latency_samples_ms), expected_ms);
    EXPECT_GE(r.latency_median_ms, expected_ms);  // no upper bound: a loaded machine delays wake-ups
    EXPECT_GE(r.latency_p95_ms, r.latency_median_ms);
    EXPECT_DOUBLE_EQ(r.latency_per_image_ms, r.latency_mean_ms / r.batch_size);
    EXPECT_NEAR(r.throughput_ips, static_cast<double>(r.batches) * r.batch_size / r.seconds, 1e-9);
    EXPECT_EQ(r.backend, "synthetic");
    EXPECT_FALSE(r.includes_preprocess);
    ASSERT_TRUE(r.peak_rss_kib.has_value());
    EXPECT_GT(*r.peak_rss_kib, 0);
  }
}

TEST(Profiler, RunsUntilMinSeconds) {
  const auto backend = engine::make_synthetic_backend(engine::parse_synthetic_spec("alpha=1,tau0=0,mode=sleep"));
  ProfileOptions options;
  options.batch_sizes = {5};
  options.min_seconds = 0.1;
  options.min_batches = 1;
  const auto r = run_profile(*backend, options).front();
  EXPECT_GE(r.seconds, 0.1);
  EXPECT_GE(r.batches, 2);
}

TEST(Profiler, IncludePreprocessDecodesImagesInsideTheTimedBatch) {
  const auto backend = engine::make_synthetic_backend(engine::parse_synthetic_spec("alpha=0,tau0=0,mode=sleep"));
  ProfileOptions options;
  options.batch_sizes = {4};
  options.min_seconds = 0.0;
  options.min_batches = 3;
  options.include_preprocess = true;
  const auto r = run_profile(*backend, options).front();
  EXPECT_TRUE(r.includes_preprocess);
  EXPECT_GT(r.latency_mean_ms, 0.1);  // four 500x375 JPEG decodes + resizes are never free
}

TEST(Profiler, RejectsNonPositiveBatchSizes) {
  const auto backend = engine::make_synthetic_backend(engine::parse_synthetic_spec("alpha=1"));
  ProfileOptions options;
  options.batch_sizes = {2, 0};
  EXPECT_THROW(run_profile(*backend, options), UsageError);
}

TEST(Profiler, EnergyColumnsComeFromTheWindowOverTheTimedBatches) {
  const auto backend = engine::make_synthetic_backend(engine::parse_synthetic_spec("alpha=1,tau0=1,mode=sleep"));
  // Not started, so the sampler reads only when asked: at construction (0 J), at the start of the
  // timed batches (10 J) and at their end (34 J) -> 24 J over exactly 4 batches of 2 images.
  std::vector<std::unique_ptr<energy::Meter>> meters;
  meters.push_back(std::make_unique<testing::ScriptedMeter>(
      "rapl",
      std::vector<energy::Domain>{{"package-0", energy::DomainKind::package, true},
                                  {"cores-0", energy::DomainKind::cores, false}},
      std::deque<energy::Reading>{{0.0, {0.0, 0.0}}, {1.0, {10.0, 5.0}}, {2.0, {34.0, 20.0}}}));
  energy::Sampler sampler(std::move(meters));
  energy::IdleBaseline idle;
  idle.power_w = 2.0;
  ProfileOptions options;
  options.batch_sizes = {2};
  options.min_seconds = 0.0;
  options.min_batches = 4;
  const auto records = run_profile(*backend, options, {}, ProfileEnergy{&sampler, idle});
  ASSERT_EQ(records.size(), 1U);
  const auto& r = records[0];
  ASSERT_EQ(r.batches, 4);
  EXPECT_EQ(r.energy_source, "rapl");
  EXPECT_EQ(r.energy_status, "ok");
  EXPECT_DOUBLE_EQ(*r.energy_j, 24.0);
  EXPECT_DOUBLE_EQ(*r.energy_per_image_j, 3.0);  // 24 J / 8 images
  // The sampler's clock is the steady clock here, so the window's length is the real one.
  EXPECT_NEAR(*r.dynamic_energy_per_image_j, (24.0 - 2.0 * r.seconds) / 8.0, 0.01);
  EXPECT_DOUBLE_EQ(*r.idle_power_w, 2.0);
  EXPECT_EQ(r.energy_by_domain_j, "package-0=24;cores-0=15");
}

TEST(Profiler, WithoutASamplerEnergyIsNullAndSaysSo) {
  const auto backend = engine::make_synthetic_backend(engine::parse_synthetic_spec("alpha=1,tau0=1,mode=sleep"));
  ProfileOptions options;
  options.batch_sizes = {1};
  options.min_seconds = 0.0;
  const auto r = run_profile(*backend, options).at(0);
  EXPECT_EQ(r.energy_source, "none");
  EXPECT_EQ(r.energy_status, "no_meter");
  EXPECT_FALSE(r.energy_j.has_value());
}

}  // namespace
}  // namespace greenbatch::profile
