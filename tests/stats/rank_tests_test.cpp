// Kruskal–Wallis and Dunn against R help-page examples, SAS and published R outputs.
#include "greenbatch/stats/rank_tests.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "greenbatch/core/error.h"
#include "stats/reference_data.h"

namespace greenbatch::stats {
namespace {

// Hollander & Wolfe (1973), Nonparametric Statistical Methods, p. 116: mucociliary efficiency
// (the example of R's ?kruskal.test).
const std::vector<std::vector<double>> mucociliary{
    {2.9, 3.0, 2.5, 2.6, 3.2}, {3.8, 2.7, 4.0, 2.4}, {2.8, 3.4, 3.7, 2.2, 2.0}};

// Hollander & Wolfe (1973), p. 69: permeability constants of the human chorioamnion, at term (x)
// and at 12-26 weeks (y) (the two-sample example of R's ?wilcox.test).
const std::vector<double> at_term{0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
const std::vector<double> early{1.15, 0.88, 0.90, 0.74, 1.21};

TEST(KruskalWallis, MatchesRHelpExampleWithoutTies) {
  // R ?kruskal.test: kruskal.test(list(x, y, z)) -> Kruskal-Wallis chi-squared = 0.77143,
  // df = 2, p-value = 0.68.
  const auto r = kruskal_wallis(mucociliary);
  EXPECT_NEAR(r.h, 0.77143, 5e-6);
  EXPECT_EQ(r.df, 2U);
  EXPECT_NEAR(r.p, 0.68, 5e-3);
}

TEST(KruskalWallis, MatchesPublishedPlantGrowthWithTiesAndEpsilonSquared) {
  // STHDA "Kruskal-Wallis Test in R": kruskal.test(weight ~ group, data = PlantGrowth) ->
  // Kruskal-Wallis chi-squared = 7.9882, df = 2, p-value = 0.01842 (one tie, 4.17, in the data).
  // Tomczak & Tomczak (2014): epsilon^2 = H / ((n^2 - 1)/(n + 1)) = 7.9882 / 29 with n = 30.
  const auto r = kruskal_wallis(reference::plant_growth);
  EXPECT_NEAR(r.h, 7.9882, 5e-5);
  EXPECT_EQ(r.df, 2U);
  EXPECT_NEAR(r.p, 0.01842, 5e-6);
  EXPECT_NEAR(r.epsilon_squared, 7.9882 / 29.0, 5e-6);
}

TEST(KruskalWallis, MatchesSasForTwoGroups) {
  // SAS PROC NPAR1WAY on the permeability data (as printed in the DescrTab2 package's SAS
  // comparison, CRAN archive DescrTab2_2.1.9): Kruskal-Wallis Chi-Square 1.5000, DF 1, Pr 0.2207.
  const auto r = kruskal_wallis(std::vector<std::vector<double>>{at_term, early});
  EXPECT_NEAR(r.h, 1.5, 5e-5);
  EXPECT_EQ(r.df, 1U);
  EXPECT_NEAR(r.p, 0.2207, 5e-5);
}

TEST(KruskalWallis, IdenticalGroupsGiveZero) {
  const std::vector<double> g{1, 2, 3, 4};
  const auto r = kruskal_wallis(std::vector<std::vector<double>>{g, g, g});
  EXPECT_NEAR(r.h, 0.0, 1e-12);
  EXPECT_NEAR(r.p, 1.0, 1e-12);
  EXPECT_NEAR(r.epsilon_squared, 0.0, 1e-12);
}

TEST(KruskalWallis, RejectsInvalidInput) {
  EXPECT_THROW(kruskal_wallis(std::vector<std::vector<double>>{{1, 2, 3}}), InputError);
  EXPECT_THROW(kruskal_wallis(std::vector<std::vector<double>>{{1, 2}, {}}), InputError);
  EXPECT_THROW(kruskal_wallis(std::vector<std::vector<double>>{{5, 5}, {5, 5}}), InputError);
  EXPECT_THROW(dunn(std::vector<std::vector<double>>{{1, 2}, {std::nan("")}}), InputError);
}

TEST(Dunn, MatchesPublishedPlantGrowthComparisons) {
  // Datanovia (A. Kassambara), "Kruskal-Wallis Test in R", rstatix::dunn_test(weight ~ group)
  // on PlantGrowth (two-sided, tie-corrected): statistic ctrl-trt1 -1.12, ctrl-trt2 1.69,
  // trt1-trt2 2.81; p 0.264, 0.0912, 0.00500. rstatix's statistic is (mean rank of group2 - mean
  // rank of group1), the negative of ours. Holm on those p: 0.264, 2 x 0.0912, 3 x 0.00500.
  const auto c = dunn(reference::plant_growth);
  ASSERT_EQ(c.size(), 3U);
  EXPECT_EQ(c[0].first, 0U);
  EXPECT_EQ(c[0].second, 1U);
  EXPECT_EQ(c[2].first, 1U);
  EXPECT_EQ(c[2].second, 2U);
  EXPECT_NEAR(-c[0].z, -1.12, 5e-3);
  EXPECT_NEAR(-c[1].z, 1.69, 5e-3);
  EXPECT_NEAR(-c[2].z, 2.81, 5e-3);
  EXPECT_NEAR(c[0].p, 0.264, 5e-4);
  EXPECT_NEAR(c[1].p, 0.0912, 5e-5);
  EXPECT_NEAR(c[2].p, 0.00500, 5e-6);
  EXPECT_NEAR(c[0].p_holm, 0.264, 5e-4);
  EXPECT_NEAR(c[1].p_holm, 2 * 0.0912, 2e-4);
  EXPECT_NEAR(c[2].p_holm, 3 * 0.00500, 2e-5);
}

TEST(Dunn, SwappingGroupsFlipsTheSign) {
  const auto ab = dunn(std::vector<std::vector<double>>{at_term, early});
  const auto ba = dunn(std::vector<std::vector<double>>{early, at_term});
  ASSERT_EQ(ab.size(), 1U);
  EXPECT_NEAR(ab[0].z, -ba[0].z, 1e-12);
  EXPECT_NEAR(ab[0].p, ba[0].p, 1e-12);
  EXPECT_NEAR(ab[0].p_holm, ab[0].p, 1e-15);  // one comparison: nothing to adjust
}

}  // namespace
}  // namespace greenbatch::stats
