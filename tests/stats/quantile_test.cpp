// Quantiles against R's quantile(type = 7) and numpy.percentile (linear), computed by hand below.
#include <gtest/gtest.h>

#include <vector>

#include "greenbatch/stats/quantile.h"

namespace greenbatch::stats {
namespace {

TEST(Quantile, MatchesRType7) {
  // R: quantile(1:10, c(0, .25, .5, .95, 1)) -> 1.00 3.25 5.50 9.55 10.00
  const std::vector<double> x{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_DOUBLE_EQ(quantile_sorted(x, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(quantile_sorted(x, 0.25), 3.25);
  EXPECT_DOUBLE_EQ(quantile_sorted(x, 0.5), 5.5);
  EXPECT_NEAR(quantile_sorted(x, 0.95), 9.55, 1e-12);
  EXPECT_DOUBLE_EQ(quantile_sorted(x, 1.0), 10.0);
}

TEST(Quantile, SingleValue) {
  const std::vector<double> x{4.0};
  EXPECT_DOUBLE_EQ(quantile_sorted(x, 0.95), 4.0);
}

TEST(Summary, SortsAndSummarises) {
  // R: x <- c(7, 1, 3, 9, 5); mean(x) = 5; median = 5; quantile(x, .95) = 8.6
  const auto s = summarize({7, 1, 3, 9, 5});
  EXPECT_DOUBLE_EQ(s.mean, 5.0);
  EXPECT_DOUBLE_EQ(s.median, 5.0);
  EXPECT_NEAR(s.p95, 8.6, 1e-12);
  EXPECT_DOUBLE_EQ(s.min, 1.0);
  EXPECT_DOUBLE_EQ(s.max, 9.0);
}

}  // namespace
}  // namespace greenbatch::stats
