// Shapiro–Wilk against published R shapiro.test outputs and Shapiro & Wilk's (1965) own example.
#include "greenbatch/stats/shapiro_wilk.h"

#include <gtest/gtest.h>

#include <vector>

#include "greenbatch/core/error.h"
#include "stats/reference_data.h"

namespace greenbatch::stats {
namespace {

TEST(ShapiroWilk, MatchesRForMtcarsMpgAndWt) {
  // R: shapiro.test(mtcars$mpg) -> W = 0.94756, p-value = 0.1229;
  //    shapiro.test(mtcars$wt)  -> W = 0.94326, p-value = 0.09265
  // (n = 32, the n >= 12 branch; printed e.g. in RPubs "Correlation" notes on mtcars).
  const auto mpg = shapiro_wilk(reference::mtcars_mpg);
  EXPECT_NEAR(mpg.w, 0.94756, 5e-6);
  EXPECT_NEAR(mpg.p, 0.1229, 5e-5);
  const auto wt = shapiro_wilk(reference::mtcars_wt);
  EXPECT_NEAR(wt.w, 0.94326, 5e-6);
  EXPECT_NEAR(wt.p, 0.09265, 5e-6);
}

TEST(ShapiroWilk, MatchesRForSixObservations) {
  // n = 6, the 4 <= n <= 11 branch. github.com/s4rduk4r/R-examples, "Statistical hypotheses in R,
  // Example 6" (leukocytes before/after surgery), printed shapiro.test outputs:
  //   before: W = 0.96736, p-value = 0.8742;  after: W = 0.90401, p-value = 0.3982.
  const std::vector<double> before{10.8, 12.9, 9.59, 8.81, 12, 6.07};
  const std::vector<double> after{10.6, 16.6, 17.2, 14, 10.6, 8.6};
  const auto b = shapiro_wilk(before);
  EXPECT_NEAR(b.w, 0.96736, 5e-6);
  EXPECT_NEAR(b.p, 0.8742, 5e-5);
  const auto a = shapiro_wilk(after);
  EXPECT_NEAR(a.w, 0.90401, 5e-6);
  EXPECT_NEAR(a.p, 0.3982, 5e-5);
}

TEST(ShapiroWilk, ReproducesShapiroWilk1965WorkedExample) {
  // Shapiro & Wilk (1965), Biometrika 52, 591-611, worked example: weights (lb) of 11 men give
  // W = 0.79 (two digits printed). Royston's approximate coefficients agree to those digits; a W
  // that low for n = 11 is clearly significant.
  const std::vector<double> weights{148, 154, 158, 160, 161, 162, 166, 170, 182, 195, 236};
  const auto r = shapiro_wilk(weights);
  EXPECT_NEAR(r.w, 0.79, 5e-3);
  EXPECT_LT(r.p, 0.05);
}

TEST(ShapiroWilk, EquallySpacedTripleIsPerfectlyNormal) {
  // n = 3: W = 1 for equally spaced values and the exact p = (6/pi)(asin(1) - pi/3) = 1.
  const auto r = shapiro_wilk(std::vector<double>{1.0, 2.0, 3.0});
  EXPECT_NEAR(r.w, 1.0, 1e-12);
  EXPECT_NEAR(r.p, 1.0, 1e-9);
}

TEST(ShapiroWilk, InvariantUnderLocationScaleAndOrder) {
  const std::vector<double> x{2.1, 3.4, 1.9, 5.6, 4.4, 3.3, 2.8, 3.9};
  std::vector<double> y;
  for (auto it = x.rbegin(); it != x.rend(); ++it) y.push_back(10.0 - 3.0 * *it);
  const auto a = shapiro_wilk(x), b = shapiro_wilk(y);
  EXPECT_NEAR(a.w, b.w, 1e-12);
  EXPECT_NEAR(a.p, b.p, 1e-10);
}

TEST(ShapiroWilk, RejectsInvalidInput) {
  EXPECT_THROW(shapiro_wilk(std::vector<double>{1.0, 2.0}), InputError);
  EXPECT_THROW(shapiro_wilk(std::vector<double>{4.0, 4.0, 4.0, 4.0}), InputError);
  EXPECT_THROW(shapiro_wilk(std::vector<double>(5001, 1.0)), InputError);
}

}  // namespace
}  // namespace greenbatch::stats
