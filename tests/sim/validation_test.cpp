// sim::validate on hand-made trials and profiles: the reasons it gives for a miss follow from the
// stored data (service times of the live batches, the load on the server), and none for a match.
#include "greenbatch/sim/validation.h"

#include <gtest/gtest.h>

#include "sim/profile_cells.h"
#include "support/text.h"

namespace greenbatch::sim {
namespace {

using testing::cell;
using testing::contains;
using testing::document;

// A batch of b takes 5 + 5·b ms: 100 requests/s at batch 1, 160/s at batch 4.
profile::ProfileDocument linear_profile() {
  std::vector<profile::ProfileCell> cells;
  for (int b = 1; b <= 4; ++b) cells.push_back(cell(b, {5.0 + 5.0 * b}));
  return document(cells);
}

// A live trial of model "m" whose response times are `response_ms` everywhere.
trial::TrialRecord live_trial(const std::string& policy, const std::string& arrival, double response_ms) {
  trial::TrialRecord t;
  t.trial_id = "t1";
  t.config.model = "m";
  t.config.backend = "torch";
  t.config.policy = policy;
  t.config.arrival = arrival;
  t.config.requests = 400;
  t.config.queue_capacity = 1000;
  t.config.images = "generated";
  t.summary.response_mean_ms = t.summary.response_p95_ms = t.summary.response_p99_ms = response_ms;
  return t;
}

// `count` batches of `size`, each taking `service_ms`, 100 ms apart.
std::vector<BatchRecord> batches(int count, int size, double service_ms) {
  std::vector<BatchRecord> out;
  for (int i = 0; i < count; ++i) {
    const double start = 0.1 * (i + 1);
    out.push_back({i, size, start, start, start + service_ms / 1e3});
  }
  return out;
}

TEST(Validation, NamesLiveBatchesSlowerThanTheProfileAtTheSameSizes) {
  auto t = live_trial("fixed:1", "poisson:10", 1000.0);
  t.batches = batches(10, 1, 11.0);  // the profile says 10 ms
  const auto v = validate({t}, {linear_profile()});
  ASSERT_EQ(v.rows.size(), 1U);
  EXPECT_FALSE(v.rows[0].within);
  EXPECT_TRUE(contains(v.rows[0].reasons,
                       "live batches were 10.0 % slower than the profile's batches of the same "
                       "sizes after the same idle time"))
      << v.rows[0].reasons;
  EXPECT_FALSE(contains(v.rows[0].reasons, "overloaded")) << v.rows[0].reasons;
}

TEST(Validation, NamesAnOverloadedTrialByThePolicysCapacity) {
  auto t = live_trial("fixed:1", "poisson:200", 1000.0);
  t.batches = batches(10, 1, 10.0);  // as fast as the profile: the load is the reason
  const auto v = validate({t}, {linear_profile()});
  ASSERT_EQ(v.rows.size(), 1U);
  EXPECT_TRUE(contains(v.rows[0].reasons, "fixed:1 serves at most 100/s")) << v.rows[0].reasons;
  EXPECT_FALSE(contains(v.rows[0].reasons, "live batches were")) << v.rows[0].reasons;

  // greedy:4 at the same rate can batch: 160/s, not overloaded.
  auto greedy = live_trial("greedy:4", "poisson:120", 1000.0);
  const auto g = validate({greedy}, {linear_profile()});
  ASSERT_EQ(g.rows.size(), 1U);
  EXPECT_FALSE(contains(g.rows[0].reasons, "overloaded")) << g.rows[0].reasons;
}

TEST(Validation, GivesNoReasonWhenLiveMatchesTheSimulation) {
  auto t = live_trial("fixed:1", "poisson:10", 1000.0);
  const auto first = validate({t}, {linear_profile()});
  ASSERT_EQ(first.rows.size(), 1U);
  const auto& sim = first.rows[0];
  t.summary.response_mean_ms = sim.sim_mean_ms;
  t.summary.response_p95_ms = sim.sim_p95_ms;
  t.summary.response_p99_ms = sim.sim_p99_ms;
  const auto again = validate({t}, {linear_profile()});
  ASSERT_EQ(again.rows.size(), 1U);
  EXPECT_TRUE(again.rows[0].within);
  EXPECT_EQ(again.rows[0].reasons, "");
}

}  // namespace
}  // namespace greenbatch::sim
