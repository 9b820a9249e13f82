// The k largest scores: order, ties, k beyond the row.
#include "greenbatch/engine/top_k.h"

#include <gtest/gtest.h>

namespace greenbatch::engine {
namespace {

TEST(TopK, LargestFirstTiesByIndexAndKClamped) {
  const std::vector<float> row{0.5F, 3.0F, -1.0F, 3.0F, 2.0F};
  EXPECT_EQ(top_k_indices(row, 3), (std::vector<int>{1, 3, 4}));
  EXPECT_EQ(top_k_indices(row, 10), (std::vector<int>{1, 3, 4, 0, 2}));
  EXPECT_TRUE(top_k_indices(row, 0).empty());
  EXPECT_TRUE(top_k_indices({}, 3).empty());
}

}  // namespace
}  // namespace greenbatch::engine
