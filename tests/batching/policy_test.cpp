// Policy::decide as tables: hand-made queues and estimates, the exact decision for each.
#include "greenbatch/batching/policy.h"

#include <gtest/gtest.h>

namespace greenbatch::batching {
namespace {

// α = 2 ms, τ0 = 10 ms: s(1) = 12 ms and s(8) = 26 ms observed, so s(k) = 10 + 2k ms between.
ServiceEstimate linear_estimate() {
  ServiceEstimate e;
  e.record(1, 0.012);
  e.record(8, 0.026);
  return e;
}

struct Row {
  const char* what;
  std::string policy;
  QueueView queue;
  double now_s;
  Decision expected;
};

// Checks each row's decision against `policy`'s.
void check(const std::vector<Row>& rows, const ServiceEstimate& estimate) {
  for (const auto& row : rows) {
    const auto d = make_policy(row.policy)->decide(row.now_s, row.queue, estimate);
    EXPECT_EQ(d.dispatch, row.expected.dispatch) << row.what;
    EXPECT_EQ(d.reason, row.expected.reason) << row.what;
    ASSERT_EQ(d.wake_at_s.has_value(), row.expected.wake_at_s.has_value()) << row.what;
    if (d.wake_at_s) {
      EXPECT_NEAR(*d.wake_at_s, *row.expected.wake_at_s, 1e-8) << row.what;  // slo: 1 ns early, rounding slack
    }
  }
}

TEST(StaticPolicies, DecisionTable) {
  using R = DispatchReason;
  const std::vector<Row> rows{
      {"fixed: nothing waits", "fixed:4", {0, std::nullopt, false}, 0.0, {0, std::nullopt, R::none}},
      {"fixed: below B, no timeout: wait for arrivals", "fixed:4", {3, 0.0, false}, 9.0, {0, std::nullopt, R::none}},
      {"fixed: B waiting", "fixed:4", {4, 0.0, false}, 0.0, {4, std::nullopt, R::full}},
      {"fixed: more than B waiting: B", "fixed:4", {9, 0.0, false}, 0.0, {4, std::nullopt, R::full}},
      {"fixed: the tail", "fixed:4", {3, 0.0, true}, 0.5, {3, std::nullopt, R::closed}},
      {"fixed: timeout ahead: wake at oldest + 50 ms", "fixed:4,timeout=50", {2, 1.0, false}, 1.01, {0, 1.05, R::none}},
      {"fixed: timeout passed", "fixed:4,timeout=50", {2, 1.0, false}, 1.06, {2, std::nullopt, R::timeout}},
      {"greedy: nothing waits", "greedy:8", {0, std::nullopt, false}, 0.0, {0, std::nullopt, R::none}},
      {"greedy: what waits", "greedy:8", {3, 0.0, false}, 0.0, {3, std::nullopt, R::ready}},
      {"greedy: up to MAX", "greedy:8", {20, 0.0, false}, 0.0, {8, std::nullopt, R::full}},
      {"dynamic: below every preferred size: wake after the delay",
       "dynamic:8,30,preferred=2|4",
       {1, 0.2, false},
       0.2,
       {0, 0.23, R::none}},
      {"dynamic: the largest preferred size available",
       "dynamic:8,30,preferred=2|4",
       {5, 0.2, false},
       0.2,
       {4, std::nullopt, R::preferred}},
      {"dynamic: MAX", "dynamic:8,30,preferred=2|4", {8, 0.2, false}, 0.2, {8, std::nullopt, R::full}},
      {"dynamic: delay passed", "dynamic:8,30", {3, 0.2, false}, 0.24, {3, std::nullopt, R::timeout}},
      {"dynamic: the tail", "dynamic:8,30", {3, 0.2, true}, 0.2, {3, std::nullopt, R::closed}},
  };
  check(rows, ServiceEstimate{});  // they ignore the estimate
}

TEST(SloPolicy, DecisionTable) {
  using R = DispatchReason;
  const std::vector<Row> rows{
      {"nothing waits", "slo:100,max=8", {0, std::nullopt, false}, 0.0, {0, std::nullopt, R::none}},
      {"one request: wake at 100 − s(1) = 88 ms", "slo:100,max=8", {1, 0.0, false}, 0.0, {0, 0.088, R::none}},
      {"three: wake at 100 − s(3) = 84 ms", "slo:100,max=8", {3, 0.0, false}, 0.05, {0, 0.084, R::none}},
      {"three at the latest safe time: all go",
       "slo:100,max=8",
       {3, 0.0, false},
       0.084,
       {3, std::nullopt, R::deadline}},
      {"five past their safe time: the 2 oldest still fit (85 + 14 <= 100 ms)",
       "slo:100,max=8",
       {5, 0.0, false},
       0.085,
       {2, std::nullopt, R::deadline}},
      {"even one misses (95 + 12 > 100 ms): all go at once, late",
       "slo:100,max=8",
       {2, 0.0, false},
       0.095,
       {2, std::nullopt, R::late}},
      {"B waiting go at once", "slo:100,max=8", {8, 0.0, false}, 0.0, {8, std::nullopt, R::full}},
      {"more than B: B of them", "slo:100,max=8", {11, 0.0, false}, 0.0, {8, std::nullopt, R::full}},
      {"arrivals ended: the tail goes at once", "slo:100,max=8", {3, 0.0, true}, 0.001, {3, std::nullopt, R::closed}},
      {"a margin moves the wake-up earlier: 80 − 12 = 68 ms",
       "slo:100,max=8,margin=20",
       {1, 0.0, false},
       0.0,
       {0, 0.068, R::none}},
      {"deadlines count from the oldest arrival", "slo:50,max=8", {2, 1.0, false}, 1.0, {0, 1.036, R::none}},
  };
  check(rows, linear_estimate());
}

TEST(SloPolicy, WithoutAnEstimateItDispatchesWhatWaits) {
  // The warm-up rule: before any batch finished there is nothing to plan with.
  const ServiceEstimate empty;
  const auto d = make_policy("slo:100,max=8")->decide(0.0, {3, 0.0, false}, empty);
  EXPECT_EQ(d.dispatch, 3u);
  EXPECT_EQ(d.reason, DispatchReason::ready);
}

TEST(SloPolicy, PlansWithItsQuantile) {
  // Size 1 took 10 ms nineteen times and 40 ms once: p95 is 10 ms, p99 40 ms.
  ServiceEstimate e;
  for (int i = 0; i < 19; ++i) e.record(1, 0.010);
  e.record(1, 0.040);
  EXPECT_NEAR(*make_policy("slo:100,max=8")->decide(0.0, {1, 0.0, false}, e).wake_at_s, 0.090, 1e-8);
  EXPECT_NEAR(*make_policy("slo:100,max=8,quantile=0.99")->decide(0.0, {1, 0.0, false}, e).wake_at_s, 0.060, 1e-8);
}

TEST(SloPolicy, WakingAtTheLatestSafeTimeDispatchesTheWholeBatch) {
  // Asked again exactly at the time it gave, it dispatches everything (no rounding split).
  const auto estimate = linear_estimate();
  const auto policy = make_policy("slo:100,max=8");
  for (std::size_t n = 1; n < 8; ++n) {
    const QueueView queue{n, 0.3, false};
    const auto wait = policy->decide(0.3, queue, estimate);
    ASSERT_TRUE(wait.wake_at_s.has_value()) << n;
    const auto go = policy->decide(*wait.wake_at_s, queue, estimate);
    EXPECT_EQ(go.dispatch, n);
    EXPECT_EQ(go.reason, DispatchReason::deadline);
  }
}

}  // namespace
}  // namespace greenbatch::batching
