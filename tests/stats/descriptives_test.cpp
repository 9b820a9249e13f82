// Descriptives against R outputs published for mtcars and PlantGrowth.
#include "greenbatch/stats/descriptives.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "greenbatch/core/error.h"
#include "stats/reference_data.h"

namespace greenbatch::stats {
namespace {

TEST(Describe, MatchesRSummaryOfMtcarsMpg) {
  // R: summary(mtcars$mpg) prints Min 10.40, 1st Qu. 15.43, Median 19.20, Mean 20.09, 3rd Qu. 22.80,
  // Max 33.90; sd(mtcars$mpg) prints 6.026948.
  const auto d = describe(reference::mtcars_mpg);
  EXPECT_EQ(d.n, 32U);
  EXPECT_NEAR(d.min, 10.40, 5e-3);
  EXPECT_NEAR(d.q1, 15.43, 5e-3);
  EXPECT_NEAR(d.median, 19.20, 5e-3);
  EXPECT_NEAR(d.mean, 20.09, 5e-3);
  EXPECT_NEAR(d.q3, 22.80, 5e-3);
  EXPECT_NEAR(d.max, 33.90, 5e-3);
  EXPECT_NEAR(d.sd, 6.026948, 5e-7);
  EXPECT_NEAR(d.iqr, d.q3 - d.q1, 1e-12);
}

TEST(Describe, MatchesPublishedPlantGrowthGroupSummaries) {
  // STHDA, "Kruskal-Wallis Test in R" (sthda.com), dplyr summary of R's PlantGrowth:
  //   ctrl 10 5.032 0.5830914 5.155 0.7425 / trt1 10 4.661 0.7936757 4.550 0.6625 /
  //   trt2 10 5.526 0.4425733 5.435 0.4675   (count, mean, sd, median, IQR).
  const double expected[3][4] = {
      {5.032, 0.5830914, 5.155, 0.7425}, {4.661, 0.7936757, 4.550, 0.6625}, {5.526, 0.4425733, 5.435, 0.4675}};
  for (std::size_t g = 0; g < 3; ++g) {
    const auto d = describe(reference::plant_growth[g]);
    EXPECT_EQ(d.n, 10U);
    EXPECT_NEAR(d.mean, expected[g][0], 5e-4);
    EXPECT_NEAR(d.sd, expected[g][1], 5e-8);
    EXPECT_NEAR(d.median, expected[g][2], 5e-4);
    EXPECT_NEAR(d.iqr, expected[g][3], 5e-5);
  }
}

TEST(Describe, SymmetricSampleHasMeanEqualToMedian) {
  const std::vector<double> x{-3, -1, 0, 1, 3};
  const auto d = describe(x);
  EXPECT_DOUBLE_EQ(d.mean, 0.0);
  EXPECT_DOUBLE_EQ(d.median, 0.0);
  EXPECT_DOUBLE_EQ(d.q1, -d.q3);
}

TEST(Describe, RejectsTooFewOrNonFiniteValues) {
  EXPECT_THROW(describe(std::vector<double>{1.0}), InputError);
  EXPECT_THROW(describe(std::vector<double>{}), InputError);
  EXPECT_THROW(describe(std::vector<double>{1.0, std::numeric_limits<double>::quiet_NaN()}), InputError);
  EXPECT_THROW(sample_variance(std::vector<double>{1.0, std::numeric_limits<double>::infinity()}), InputError);
}

}  // namespace
}  // namespace greenbatch::stats
