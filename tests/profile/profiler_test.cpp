// The offline profiler, driven by the synthetic backend whose batch time is known.
#include <gtest/gtest.h>

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
    EXPECT_GE(r.latency_median_ms, expected_ms);
    EXPECT_LT(r.latency_median_ms, expected_ms + 50.0);
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

}  // namespace
}  // namespace greenbatch::profile
