// Line and growth fits against values worked by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "greenbatch/core/error.h"
#include "greenbatch/stats/regression.h"

namespace greenbatch::stats {
namespace {

TEST(Regression, LineThroughHandWorkedPoints) {
  // x = 1..4, y = 2, 4, 5, 4: mean x 2.5, mean y 3.75; Sxx = 2.25 + 0.25 + 0.25 + 2.25 = 5;
  // deviations x: -1.5 -0.5 0.5 1.5; y: -1.75 0.25 1.25 0.25 -> Sxy = 2.625 + -0.125 + 0.625 + 0.375 = 3.5
  // slope = 3.5 / 5 = 0.7, intercept = 3.75 - 0.7 x 2.5 = 2.0; Syy = 3.0625+0.0625+1.5625+0.0625 = 4.75
  // r^2 = 3.5^2 / (5 x 4.75) = 12.25 / 23.75 = 0.515789...
  const std::vector<double> x{1, 2, 3, 4}, y{2, 4, 5, 4};
  const auto fit = fit_line(x, y);
  EXPECT_NEAR(fit.slope, 0.7, 1e-12);
  EXPECT_NEAR(fit.intercept, 2.0, 1e-12);
  EXPECT_NEAR(fit.r_squared, 12.25 / 23.75, 1e-12);
}

TEST(Regression, DoublingEveryYearIsOneHundredPercentGrowth) {
  const std::vector<double> years{2012, 2013, 2014, 2015}, energy{1, 2, 4, 8};
  const auto growth = fit_growth(years, energy);
  EXPECT_NEAR(growth.growth_per_unit, 1.0, 1e-9);
  EXPECT_NEAR(growth.log_fit.r_squared, 1.0, 1e-12);
}

TEST(Regression, BadInputIsRefused) {
  EXPECT_THROW(fit_line(std::vector<double>{1}, std::vector<double>{1}), InputError);
  EXPECT_THROW(fit_line(std::vector<double>{2, 2}, std::vector<double>{1, 3}), InputError);
  EXPECT_THROW(fit_growth(std::vector<double>{1, 2}, std::vector<double>{1, 0}), InputError);
}

}  // namespace
}  // namespace greenbatch::stats
