// Spearman's rho against published R cor.test outputs.
#include "greenbatch/stats/correlation.h"

#include <gtest/gtest.h>

#include <vector>

#include "greenbatch/core/error.h"
#include "stats/reference_data.h"

namespace greenbatch::stats {
namespace {

TEST(Spearman, MatchesSullivanExampleWithTies) {
  // Sullivan, Statistics: Informed Decisions Using Data, §15.6 Example 1 (Table 14), R companion
  // (sullystats.com): cor.test(mpg, dist, method = "spearman") -> rho = 0.9277782,
  // p-value = 0.0008915 (ties, so R uses the t approximation with n - 2 df).
  const std::vector<double> mpg{100, 102, 103, 101, 105, 100, 99, 105};
  const std::vector<double> dist{257, 264, 274, 266, 277, 263, 258, 275};
  const auto r = spearman(mpg, dist);
  EXPECT_NEAR(r.rho, 0.9277782, 5e-8);
  EXPECT_NEAR(r.p, 0.0008915, 5e-8);
}

TEST(Spearman, MatchesRForMtcarsWeightAndMpg) {
  // R: cor(mtcars$mpg, mtcars$wt, method = "spearman") -> -0.886422 (RPubs mtcars correlation notes).
  const auto r = spearman(reference::mtcars_wt, reference::mtcars_mpg);
  EXPECT_NEAR(r.rho, -0.886422, 5e-7);
  EXPECT_LT(r.p, 1e-9);
}

TEST(Spearman, MonotoneAndSymmetricCases) {
  const std::vector<double> x{1, 2, 3, 4, 5}, cubed{1, 8, 27, 64, 125}, reversed{5, 4, 3, 2, 1};
  EXPECT_DOUBLE_EQ(spearman(x, cubed).rho, 1.0);
  EXPECT_DOUBLE_EQ(spearman(x, cubed).p, 0.0);
  EXPECT_DOUBLE_EQ(spearman(x, reversed).rho, -1.0);
  const std::vector<double> a{3, 1, 4, 1, 5, 9, 2, 6}, b{2, 7, 1, 8, 2, 8, 1, 8};
  EXPECT_NEAR(spearman(a, b).rho, spearman(b, a).rho, 1e-15);
  EXPECT_NEAR(spearman(a, b).p, spearman(b, a).p, 1e-15);
}

TEST(Spearman, RejectsInvalidInput) {
  EXPECT_THROW(spearman(std::vector<double>{1, 2, 3}, std::vector<double>{1, 2}), InputError);
  EXPECT_THROW(spearman(std::vector<double>{1, 2}, std::vector<double>{1, 2}), InputError);
  EXPECT_THROW(spearman(std::vector<double>{1, 2, 3}, std::vector<double>{4, 4, 4}), InputError);
}

}  // namespace
}  // namespace greenbatch::stats
