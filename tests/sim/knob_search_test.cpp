// Searching batching × threads over hand-built profiles of two thread counts.
#include "greenbatch/sim/knob_search.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "greenbatch/core/error.h"
#include "sim/profile_cells.h"

namespace greenbatch::sim {
namespace {

using testing::cell;
using testing::document;

// Batch sizes 1, 2, 4, 8 (S(b) = 8 + 2b ms) at `threads`, with energy per batch scaled by `scale`.
profile::ProfileDocument at_threads(int threads, double scale) {
  std::vector<profile::ProfileCell> cells{cell(1, {10.0}, 1.0 * scale), cell(2, {12.0}, 1.2 * scale),
                                          cell(4, {16.0}, 2.0 * scale), cell(8, {24.0}, 3.2 * scale)};
  for (auto& c : cells) c.threads = threads;
  auto d = document(std::move(cells), "estimate");
  d.path = fmt::format("t{}.json", threads);
  return d;
}

RecommendOptions options() {
  RecommendOptions o;
  o.arrival = "jitter:50,spread=0";
  o.requests = 2000;
  o.slo_ms = 80.0;
  o.service.interpolate = true;  // as the hand derivation in recommender_test
  return o;
}

// Same latencies, 1 thread uses 0.8x the energy of 2: the winner is fixed:4 (0.5 J/request at 2
// threads, see recommender_test) at 1 thread, 0.4 J/request. Against fixed:4 at the default (2)
// threads it saves 20%; against fixed:1 at 1 thread (0.8 J) it saves 50%.
TEST(KnobSearch, AttributesTheSavingToEachKnob) {
  const auto search = search_threads({at_threads(2, 1.0), at_threads(1, 0.8)}, options());
  ASSERT_TRUE(search.winner.has_value());
  EXPECT_EQ(search.threads[*search.winner], 1);
  EXPECT_EQ(search.threads[search.default_profile], 2);
  const auto* best = search.per_profile[*search.winner].winner();
  ASSERT_NE(best, nullptr);
  EXPECT_EQ(best->policy, "fixed:4");
  ASSERT_TRUE(best->energy_per_request_j.has_value());
  EXPECT_NEAR(*best->energy_per_request_j, 0.4, 1e-9);
  ASSERT_TRUE(search.same_policy_default_threads.saving_percent.has_value());
  EXPECT_NEAR(*search.same_policy_default_threads.saving_percent, 20.0, 1e-6);
  ASSERT_TRUE(search.no_batching_same_threads.saving_percent.has_value());
  EXPECT_NEAR(*search.no_batching_same_threads.saving_percent, 50.0, 1e-6);
}

TEST(KnobSearch, NeedsOneProfilePerThreadCount) {
  EXPECT_THROW(search_threads({at_threads(2, 1.0)}, options()), UsageError);
  EXPECT_THROW(search_threads({at_threads(2, 1.0), at_threads(2, 0.8)}, options()), UsageError);
}

}  // namespace
}  // namespace greenbatch::sim
