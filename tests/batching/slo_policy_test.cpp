// The slo policy as a table: hand-made queues and estimates, the exact decision for each.
#include <gtest/gtest.h>

#include "greenbatch/batching/policy.h"
#include "greenbatch/core/error.h"

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

TEST(SloPolicy, DecisionTable) {
  using R = DispatchReason;
  const std::vector<Row> rows{
      {"nothing waits", "slo:100,max=8", {0, std::nullopt, false}, 0.0, {0, std::nullopt, R::none}},
      {"one request: wake at 100 − s(1) = 88 ms", "slo:100,max=8", {1, 0.0, false}, 0.0, {0, 0.088, R::none}},
      {"three: wake at 100 − s(3) = 84 ms", "slo:100,max=8", {3, 0.0, false}, 0.05, {0, 0.084, R::none}},
      {"three at the latest safe time: all go", "slo:100,max=8", {3, 0.0, false}, 0.084, {3, std::nullopt, R::deadline}},
      {"five past their safe time: the 2 oldest still fit (85 + 14 <= 100 ms)", "slo:100,max=8", {5, 0.0, false}, 0.085,
       {2, std::nullopt, R::deadline}},
      {"even one misses (95 + 12 > 100 ms): all go at once, late", "slo:100,max=8", {2, 0.0, false}, 0.095,
       {2, std::nullopt, R::late}},
      {"B waiting go at once", "slo:100,max=8", {8, 0.0, false}, 0.0, {8, std::nullopt, R::full}},
      {"more than B: B of them", "slo:100,max=8", {11, 0.0, false}, 0.0, {8, std::nullopt, R::full}},
      {"arrivals ended: the tail goes at once", "slo:100,max=8", {3, 0.0, true}, 0.001, {3, std::nullopt, R::closed}},
      {"a margin moves the wake-up earlier: 80 − 12 = 68 ms", "slo:100,max=8,margin=20", {1, 0.0, false}, 0.0,
       {0, 0.068, R::none}},
      {"deadlines count from the oldest arrival", "slo:50,max=8", {2, 1.0, false}, 1.0, {0, 1.036, R::none}},
  };
  const auto estimate = linear_estimate();
  for (const auto& row : rows) {
    const auto d = make_policy(row.policy)->decide(row.now_s, row.queue, estimate);
    EXPECT_EQ(d.dispatch, row.expected.dispatch) << row.what;
    EXPECT_EQ(d.reason, row.expected.reason) << row.what;
    ASSERT_EQ(d.wake_at_s.has_value(), row.expected.wake_at_s.has_value()) << row.what;
    if (d.wake_at_s) {
      EXPECT_NEAR(*d.wake_at_s, *row.expected.wake_at_s, 1e-8) << row.what;  // 1 ns early: rounding slack
    }
  }
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

TEST(PolicySpec, SloParsesPrintsAndRejectsBadValues) {
  const auto spec = PolicySpec::parse("slo:100,max=16,quantile=0.9,margin=5");
  EXPECT_EQ(spec.family, PolicyFamily::slo);
  EXPECT_EQ(spec.batch, 16u);
  EXPECT_DOUBLE_EQ(spec.slo_ms, 100.0);
  EXPECT_DOUBLE_EQ(spec.quantile, 0.9);
  EXPECT_DOUBLE_EQ(spec.margin_ms, 5.0);
  EXPECT_EQ(spec.to_string(), "slo:100,max=16,quantile=0.9,margin=5");
  EXPECT_EQ(PolicySpec::parse("slo:100").to_string(), "slo:100");
  EXPECT_EQ(make_policy("slo:100")->spec(), "slo:100,max=256");  // what runs says its max
  for (const char* bad : {"slo", "slo:0", "slo:-5", "slo:abc", "slo:100,max=0", "slo:100,quantile=0",
                          "slo:100,quantile=1", "slo:100,quantile=1.5", "slo:100,margin=100", "slo:100,bogus=1"}) {
    EXPECT_THROW((void)PolicySpec::parse(bad), UsageError) << bad;
  }
}

TEST(PolicySpec, EveryFamilyRoundTripsThroughItsNormalisedText) {
  for (const char* text : {"fixed:8", "fixed:4,timeout=5", "greedy:64", "dynamic:16,5,preferred=4|8", "slo:250,max=4"}) {
    const auto spec = PolicySpec::parse(text);
    EXPECT_EQ(spec.to_string(), text);
    EXPECT_EQ(PolicySpec::parse(spec.to_string()), spec);
  }
  EXPECT_EQ(PolicySpec::parse("greedy").to_string(), "greedy:256");
  EXPECT_TRUE(is_unbatched("fixed:1"));
  EXPECT_TRUE(is_unbatched("greedy:1"));
  EXPECT_FALSE(is_unbatched("fixed:2"));
  EXPECT_FALSE(is_unbatched("not a policy"));
}

}  // namespace
}  // namespace greenbatch::batching
