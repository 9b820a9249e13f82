// Bootstrap intervals: properties (coverage of the estimate, determinism by seed, exact index draw).
#include "greenbatch/stats/bootstrap.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <vector>

#include "greenbatch/core/error.h"
#include "greenbatch/stats/quantile.h"
#include "stats/reference_data.h"

namespace greenbatch::stats {
namespace {

TEST(Bootstrap, IntervalsContainThePointEstimates) {
  const auto& x = reference::mtcars_mpg;
  const auto ci = bootstrap_location(x);
  const double m = mean(x);
  std::vector<double> sorted = x;
  std::ranges::sort(sorted);
  const double median = quantile_sorted(sorted, 0.5);
  EXPECT_LE(ci.mean.lower, m);
  EXPECT_GE(ci.mean.upper, m);
  EXPECT_LE(ci.median.lower, median);
  EXPECT_GE(ci.median.upper, median);
  EXPECT_LT(ci.mean.lower, ci.mean.upper);
  // The resampled means stay within the sample's range.
  EXPECT_GE(ci.mean.lower, *std::ranges::min_element(x));
  EXPECT_LE(ci.mean.upper, *std::ranges::max_element(x));
}

TEST(Bootstrap, SameSeedSameIntervalsOtherSeedOtherIntervals) {
  const auto& x = reference::mtcars_mpg;
  const auto a = bootstrap_location(x, {.resamples = 500, .level = 0.95, .seed = 7});
  const auto b = bootstrap_location(x, {.resamples = 500, .level = 0.95, .seed = 7});
  const auto c = bootstrap_location(x, {.resamples = 500, .level = 0.95, .seed = 8});
  EXPECT_EQ(a.mean.lower, b.mean.lower);
  EXPECT_EQ(a.mean.upper, b.mean.upper);
  EXPECT_EQ(a.median.lower, b.median.lower);
  EXPECT_EQ(a.median.upper, b.median.upper);
  EXPECT_TRUE(a.mean.lower != c.mean.lower || a.mean.upper != c.mean.upper);
}

TEST(Bootstrap, HigherLevelGivesWiderInterval) {
  const auto& x = reference::mtcars_mpg;
  const auto narrow = bootstrap_location(x, {.resamples = 1000, .level = 0.80, .seed = 1});
  const auto wide = bootstrap_location(x, {.resamples = 1000, .level = 0.99, .seed = 1});
  EXPECT_LE(wide.mean.lower, narrow.mean.lower);
  EXPECT_GE(wide.mean.upper, narrow.mean.upper);
}

TEST(Bootstrap, UniformIndexStaysInRangeAndHitsEveryIndex) {
  std::mt19937_64 engine(42);
  std::array<int, 7> hits{};
  for (int i = 0; i < 7000; ++i) {
    const auto k = uniform_index(engine, hits.size());
    ASSERT_LT(k, hits.size());
    ++hits[k];
  }
  for (const int h : hits) EXPECT_GT(h, 800);  // expected 1000 each
  EXPECT_EQ(uniform_index(engine, 1), 0U);
}

TEST(Bootstrap, RejectsBadInputAndOptions) {
  EXPECT_THROW(bootstrap_location(std::vector<double>{1.0}), InputError);
  const std::vector<double> x{1.0, 2.0, 3.0};
  EXPECT_THROW(bootstrap_location(x, {.resamples = 0}), InputError);
  EXPECT_THROW(bootstrap_location(x, {.level = 1.0}), InputError);
  EXPECT_THROW(bootstrap_location(x, {.level = 0.0}), InputError);
}

}  // namespace
}  // namespace greenbatch::stats
