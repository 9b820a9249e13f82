// ServiceEstimate: nearest-rank quantiles over a window, interpolation across sizes, the
// warm-up rule, forgetting old observations.
#include "greenbatch/batching/service_estimate.h"

#include <gtest/gtest.h>

#include <vector>

namespace greenbatch::batching {
namespace {

TEST(ServiceEstimate, EmptyBeforeTheFirstObservation) {
  const ServiceEstimate estimate;
  EXPECT_FALSE(estimate.service_s(1).has_value());
  EXPECT_FALSE(estimate.fastest_s().has_value());
  EXPECT_TRUE(estimate.known_sizes().empty());
}

TEST(ServiceEstimate, NearestRankQuantileOfOneSize) {
  ServiceEstimate estimate;
  // 1..20 ms in a shuffled order: p95 is the 19th value (19 ms), p50 the 10th, p99 the 20th.
  const std::vector<double> ms{7, 3, 20, 1, 15, 9, 11, 2, 18, 4, 13, 6, 19, 5, 16, 8, 12, 10, 17, 14};
  for (const double v : ms) estimate.record(4, v / 1e3);
  EXPECT_DOUBLE_EQ(*estimate.service_s(4), 0.019);
  EXPECT_DOUBLE_EQ(*estimate.service_s(4, 0.5), 0.010);
  EXPECT_DOUBLE_EQ(*estimate.service_s(4, 0.99), 0.020);
}

TEST(ServiceEstimate, FewObservationsGiveTheirMaximum) {
  ServiceEstimate estimate;
  estimate.record(2, 0.010);
  estimate.record(2, 0.030);
  estimate.record(2, 0.020);
  EXPECT_DOUBLE_EQ(*estimate.service_s(2), 0.030);  // ceil(0.95 * 3) = 3rd of 3
}

TEST(ServiceEstimate, InterpolatesBetweenAndExtrapolatesAroundKnownSizes) {
  ServiceEstimate estimate;
  estimate.record(2, 0.014);  // α = 2 ms, τ0 = 10 ms: s(2) = 14 ms
  estimate.record(8, 0.026);  // s(8) = 26 ms
  EXPECT_EQ(estimate.known_sizes(), (std::vector<std::size_t>{2, 8}));
  EXPECT_NEAR(*estimate.service_s(5), 0.020, 1e-15);   // halfway: 20 ms
  EXPECT_NEAR(*estimate.service_s(1), 0.014, 1e-15);   // below the smallest: its estimate
  EXPECT_NEAR(*estimate.service_s(16), 0.052, 1e-15);  // above the largest: 16/8 · 26 ms
  EXPECT_NEAR(*estimate.fastest_s(), 0.014, 1e-15);
}

TEST(ServiceEstimate, ForgetsObservationsBeyondTheWindow) {
  ServiceEstimate estimate(3);
  estimate.seed(1, std::vector<double>{0.100, 0.090, 0.080});
  EXPECT_DOUBLE_EQ(*estimate.service_s(1), 0.100);
  estimate.record(1, 0.010);  // forgets 0.100
  EXPECT_DOUBLE_EQ(*estimate.service_s(1), 0.090);
  estimate.record(1, 0.010);  // forgets 0.090
  estimate.record(1, 0.010);  // forgets 0.080
  EXPECT_DOUBLE_EQ(*estimate.service_s(1), 0.010);
}

}  // namespace
}  // namespace greenbatch::batching
