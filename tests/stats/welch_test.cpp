// Welch's t against R's t.test outputs for the sleep and mtcars data.
#include "greenbatch/stats/welch.h"

#include <gtest/gtest.h>

#include <vector>

#include "greenbatch/core/error.h"
#include "stats/reference_data.h"

namespace greenbatch::stats {
namespace {

TEST(Welch, MatchesRHelpExampleOnSleep) {
  // R ?t.test: t.test(extra ~ group, data = sleep) -> Welch Two Sample t-test,
  // t = -1.8608, df = 17.776, p-value = 0.07939.
  const auto r = welch_t_test(reference::sleep_group1, reference::sleep_group2);
  EXPECT_NEAR(r.t, -1.8608, 5e-5);
  EXPECT_NEAR(r.df, 17.776, 5e-4);
  EXPECT_NEAR(r.p, 0.07939, 5e-6);
}

TEST(Welch, MatchesRForMtcarsMpgByTransmission) {
  // R: t.test(mpg ~ am, data = mtcars) -> t = -3.7671, df = 18.332, p-value = 0.001374
  // (printed e.g. in RPubs "mtcars" analyses).
  const auto r = welch_t_test(reference::mtcars_mpg_automatic, reference::mtcars_mpg_manual);
  EXPECT_NEAR(r.t, -3.7671, 5e-5);
  EXPECT_NEAR(r.df, 18.332, 5e-4);
  EXPECT_NEAR(r.p, 0.001374, 5e-7);
}

TEST(Welch, AntisymmetricInTheSamples) {
  const auto xy = welch_t_test(reference::sleep_group1, reference::sleep_group2);
  const auto yx = welch_t_test(reference::sleep_group2, reference::sleep_group1);
  EXPECT_NEAR(xy.t, -yx.t, 1e-12);
  EXPECT_NEAR(xy.df, yx.df, 1e-12);
  EXPECT_NEAR(xy.p, yx.p, 1e-12);
}

TEST(Welch, RejectsInvalidInput) {
  EXPECT_THROW(welch_t_test(std::vector<double>{1.0}, reference::sleep_group1), InputError);
  EXPECT_THROW(welch_t_test(std::vector<double>{2, 2, 2}, std::vector<double>{2, 2}), InputError);
}

}  // namespace
}  // namespace greenbatch::stats
