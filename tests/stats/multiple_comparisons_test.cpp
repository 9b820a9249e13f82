// Holm's adjustment worked by hand from its definition (Holm 1979, Scand. J. Statist. 6, 65-70).
#include "greenbatch/stats/multiple_comparisons.h"

#include <gtest/gtest.h>

#include <vector>

#include "greenbatch/core/error.h"

namespace greenbatch::stats {
namespace {

TEST(Holm, StepDownByHand) {
  // Sorted p 0.01 0.02 0.03 0.04 0.05, m = 5: multipliers 5 4 3 2 1 give 0.05 0.08 0.09 0.08 0.05;
  // the running maximum makes them 0.05 0.08 0.09 0.09 0.09 (R: p.adjust(..., "holm")).
  const std::vector<double> p{0.03, 0.01, 0.05, 0.02, 0.04};
  const auto adjusted = holm_adjust(p);
  const std::vector<double> expected{0.09, 0.05, 0.09, 0.08, 0.09};
  ASSERT_EQ(adjusted.size(), expected.size());
  for (std::size_t i = 0; i < p.size(); ++i) EXPECT_NEAR(adjusted[i], expected[i], 1e-12);
}

TEST(Holm, CapsAtOneAndKeepsSingleValue) {
  const auto capped = holm_adjust(std::vector<double>{0.6, 0.7});
  EXPECT_DOUBLE_EQ(capped[0], 1.0);
  EXPECT_DOUBLE_EQ(capped[1], 1.0);
  EXPECT_DOUBLE_EQ(holm_adjust(std::vector<double>{0.2})[0], 0.2);
  EXPECT_TRUE(holm_adjust(std::vector<double>{}).empty());
}

TEST(Holm, RejectsValuesOutsideZeroOne) {
  EXPECT_THROW(holm_adjust(std::vector<double>{0.1, 1.5}), InputError);
  EXPECT_THROW(holm_adjust(std::vector<double>{-0.1}), InputError);
}

}  // namespace
}  // namespace greenbatch::stats
