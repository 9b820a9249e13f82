// Policies driven by the simulator on its virtual clock: hand-made arrival sequences and the exact
// expected dispatches, with the server busy in between (the decision tables are in batching/).
#include <gtest/gtest.h>

#include "greenbatch/batching/policy.h"
#include "greenbatch/sim/simulator.h"

namespace greenbatch::batching {
namespace {

// One dispatch: when, and how many.
struct Dispatch {
  double time_s;
  std::size_t size;
  bool operator==(const Dispatch&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Dispatch& d) {
  return out << "{" << d.time_s << ", " << d.size << "}";
}

// Drives `policy` with the simulator: requests arrive at `arrivals`; a batch of any size takes
// `service_s` seconds; the policy is asked whenever the server is free and something happened
// (an arrival, a completion, its own wake-up time). Returns every dispatch.
std::vector<Dispatch> drive(const Policy& policy, const std::vector<double>& arrivals, double service_s) {
  const auto service = sim::ServiceModel::linear(0.0, service_s * 1e3, policy.max_batch());
  const auto result = sim::simulate(policy, service, arrivals, {});
  EXPECT_EQ(result.record.summary.served, std::ssize(arrivals)) << "a request was left behind at the end";
  std::vector<Dispatch> dispatches;
  for (const auto& b : result.record.batches) dispatches.push_back({b.dispatch_s, static_cast<std::size_t>(b.size)});
  return dispatches;
}

TEST(FixedPolicy, WaitsForFullBatchesAndFlushesTheTail) {
  // 7 arrivals, B = 3, instant service: batches at the 3rd and 6th arrival; the 7th is the tail,
  // dispatched when arrivals end (at its own arrival, the last event).
  const auto policy = make_policy("fixed:3");
  const auto d = drive(*policy, {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, 0.0);
  EXPECT_EQ(d, (std::vector<Dispatch>{{0.2, 3}, {0.5, 3}, {0.6, 1}}));
}

TEST(FixedPolicy, TimeoutDispatchesAPartialBatch) {
  // B = 4, timeout 50 ms: arrivals at 0 and 0.01 -> dispatched at 0.05 (oldest + 50 ms) as 2;
  // then 0.2, 0.21, 0.22, 0.23 -> full batch at 0.23.
  const auto policy = make_policy("fixed:4,timeout=50");
  const auto d = drive(*policy, {0.0, 0.01, 0.2, 0.21, 0.22, 0.23, 0.5}, 0.0);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_NEAR(d[0].time_s, 0.05, 1e-12);
  EXPECT_EQ(d[0].size, 2u);
  EXPECT_EQ(d[1], (Dispatch{0.23, 4}));
  EXPECT_EQ(d[2], (Dispatch{0.5, 1}));  // the tail at the end of arrivals
}

TEST(FixedPolicy, BusyServerCollectsMoreThanOneBatch) {
  // Service 1 s: at t = 1 the server frees with 5 waiting; fixed:2 takes 2, then 2, then the tail 1.
  const auto policy = make_policy("fixed:2");
  const auto d = drive(*policy, {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, 1.0);
  EXPECT_EQ(d, (std::vector<Dispatch>{{0.1, 2}, {1.1, 2}, {2.1, 2}, {3.1, 1}}));
}

TEST(GreedyPolicy, TakesEverythingUpToMax) {
  // Service 1 s: dispatch 1 at t=0; at t=1 four wait -> all four (MAX 8); at t=2 two wait.
  const auto policy = make_policy("greedy:8");
  const auto d = drive(*policy, {0.0, 0.2, 0.4, 0.6, 0.8, 1.5, 1.9}, 1.0);
  EXPECT_EQ(d, (std::vector<Dispatch>{{0.0, 1}, {1.0, 4}, {2.0, 2}}));
}

TEST(GreedyPolicy, MaxCapsTheBatch) {
  const auto policy = make_policy("greedy:2");
  const auto d = drive(*policy, {0.0, 0.1, 0.2, 0.3, 0.4}, 1.0);
  EXPECT_EQ(d, (std::vector<Dispatch>{{0.0, 1}, {1.0, 2}, {2.0, 2}}));
}

TEST(DynamicPolicy, NeverHoldsTheOldestPastTheDelay) {
  // MAX 4, delay 30 ms, instant service. Arrivals 0, 0.01: dispatched at 0.03 as 2.
  // 0.1..0.13 (four): MAX reached at 0.13 -> 4 at once. 0.5: alone until 0.53.
  const auto policy = make_policy("dynamic:4,30");
  const auto d = drive(*policy, {0.0, 0.01, 0.1, 0.11, 0.12, 0.13, 0.5}, 0.0);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_NEAR(d[0].time_s, 0.03, 1e-12);
  EXPECT_EQ(d[0].size, 2u);
  EXPECT_EQ(d[1], (Dispatch{0.13, 4}));
  EXPECT_NEAR(d[2].time_s, 0.5, 1e-12);  // arrivals ended: no reason to wait
  EXPECT_EQ(d[2].size, 1u);
}

TEST(DynamicPolicy, PreferredSizesGoAtOnce) {
  // MAX 8, delay 100 ms, preferred 2|4; service 0.05 s.
  // t=0: 1 waits (below every preferred size) -> wake at 0.1. t=0.01: 2 wait -> preferred 2 now.
  // While serving (until 0.06) 5 arrive; at 0.06 the largest preferred <= 5 is 4.
  // Then 1 remains (0.05, wake-up at 0.15); the last arrival at 0.12 makes 2 -> preferred at once.
  const auto policy = make_policy("dynamic:8,100,preferred=2|4");
  const auto d = drive(*policy, {0.0, 0.01, 0.02, 0.03, 0.04, 0.045, 0.05, 0.12}, 0.05);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0], (Dispatch{0.01, 2}));
  EXPECT_NEAR(d[1].time_s, 0.06, 1e-12);  // 0.01 + 0.05 in floating point
  EXPECT_EQ(d[1].size, 4u);
  EXPECT_EQ(d[2], (Dispatch{0.12, 2}));
}

}  // namespace
}  // namespace greenbatch::batching
