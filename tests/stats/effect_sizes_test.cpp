// Cliff's delta against published R outputs for mtcars, and their label thresholds.
#include "greenbatch/stats/effect_sizes.h"

#include <gtest/gtest.h>

#include <vector>

#include "greenbatch/core/error.h"
#include "stats/reference_data.h"

namespace greenbatch::stats {
namespace {

TEST(CliffsDelta, MatchesMannWhitneyUOfMtcars) {
  // Cliff (1993): delta = 2U/(n1 n2) - 1. With R's published W = U = 42 for
  // wilcox.test(mpg ~ am, data = mtcars) (r-tutor.com) and n1 n2 = 19 x 13 = 247:
  // delta = 84/247 - 1 = -0.65992 (easystats: rank-biserial / Cliff's delta -0.66).
  const auto r = cliffs_delta(reference::mtcars_mpg_automatic, reference::mtcars_mpg_manual);
  EXPECT_NEAR(r.delta, 84.0 / 247.0 - 1.0, 1e-12);
  EXPECT_EQ(r.magnitude, Magnitude::large);
}

TEST(CliffsDelta, CountsDominanceByHandWithTies) {
  // x = {1, 2, 3}, y = {2, 2}: x > y for 3 (twice), x < y for 1 (twice), ties for 2:
  // (2 - 2) / 6 = 0; swapping x and y negates delta; complete dominance gives +-1.
  EXPECT_DOUBLE_EQ(cliffs_delta(std::vector<double>{1, 2, 3}, std::vector<double>{2, 2}).delta, 0.0);
  const std::vector<double> a{1, 4, 6}, b{2, 3, 5, 5};
  EXPECT_DOUBLE_EQ(cliffs_delta(a, b).delta, -cliffs_delta(b, a).delta);
  EXPECT_DOUBLE_EQ(cliffs_delta(std::vector<double>{5, 6}, std::vector<double>{1, 2}).delta, 1.0);
}

TEST(Magnitude, RomanoThresholdsForCliffsDelta) {
  EXPECT_EQ(cliffs_delta_magnitude(0.146), Magnitude::negligible);
  EXPECT_EQ(cliffs_delta_magnitude(-0.147), Magnitude::small);
  EXPECT_EQ(cliffs_delta_magnitude(0.329), Magnitude::small);
  EXPECT_EQ(cliffs_delta_magnitude(0.33), Magnitude::medium);
  EXPECT_EQ(cliffs_delta_magnitude(-0.473), Magnitude::medium);
  EXPECT_EQ(cliffs_delta_magnitude(0.474), Magnitude::large);
}

TEST(Magnitude, Names) {
  EXPECT_EQ(to_string(Magnitude::negligible), "negligible");
  EXPECT_EQ(to_string(Magnitude::large), "large");
}

TEST(EffectSizes, RejectInvalidInput) {
  EXPECT_THROW(cliffs_delta(std::vector<double>{}, std::vector<double>{1}), InputError);
}

}  // namespace
}  // namespace greenbatch::stats
