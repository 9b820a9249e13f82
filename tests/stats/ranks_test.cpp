// Mid-ranks and the tie term, worked by hand from their definitions.
#include "greenbatch/stats/ranks.h"

#include <gtest/gtest.h>

#include <vector>

namespace greenbatch::stats {
namespace {

TEST(Ranks, TiesShareTheAverageRank) {
  // Sorted: 10 (rank 1), 20 20 (ranks 2, 3 -> 2.5), 30 (4), 40 40 40 (5, 6, 7 -> 6).
  const std::vector<double> x{40, 20, 10, 40, 30, 20, 40};
  const std::vector<double> expected{6, 2.5, 1, 6, 4, 2.5, 6};
  EXPECT_EQ(average_ranks(x), expected);
  // Tie term: (2^3 - 2) + (3^3 - 3) = 6 + 24 = 30.
  EXPECT_DOUBLE_EQ(tie_term(x), 30.0);
}

TEST(Ranks, DistinctValuesHaveNoTieTerm) {
  const std::vector<double> x{0.5, -1.0, 2.0};
  EXPECT_EQ(average_ranks(x), (std::vector<double>{2, 1, 3}));
  EXPECT_DOUBLE_EQ(tie_term(x), 0.0);
  EXPECT_TRUE(average_ranks(std::vector<double>{}).empty());
}

}  // namespace
}  // namespace greenbatch::stats
