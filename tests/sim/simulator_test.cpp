// The discrete-event simulator: M/D/1 against theory, reproducibility, stability, queue bound, energy.
#include "greenbatch/sim/simulator.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "greenbatch/core/error.h"
#include "sim/profile_cells.h"
#include "sim/sample_stats.h"

namespace greenbatch::sim {
namespace {

using testing::cell;
using testing::document;
using testing::with_gaps;

SimResult run(const std::string& policy, const ServiceModel& service, const std::string& arrival, std::int64_t requests,
              SimOptions options = {}) {
  const auto p = batching::make_policy(policy);
  const auto a = workload::make_arrival(arrival, options.seed);
  return simulate(*p, service, *a, requests, std::nullopt, options);
}

// fixed:1 with deterministic service D under Poisson(λ) is M/D/1: mean wait ρ/(2μ(1−ρ)), μ = 1/D,
// ρ = λD. 200 000 requests; the standard error comes from 20 batch means of 10 000 consecutive
// requests each (batches far longer than the queue's relaxation time, ~1/(1−√ρ)² services, so
// their means are nearly independent), and the test allows 4 of them: a correct simulator fails
// with probability < 1e-4 for any seed. The SE is also checked to be small (< 3% of the value),
// so the test can tell a wrong simulator from noise.
TEST(Simulator, FixedOneUnderPoissonIsMD1) {
  const double d = 2e-3;
  const auto service = ServiceModel::linear(0.0, d * 1e3, 1);
  for (const double rho : {0.3, 0.5, 0.8}) {
    const double lambda = rho / d;
    const auto result = run("fixed:1", service, fmt::format("poisson:{}", lambda), 200'000,
                            {.queue_capacity = 200'000});
    ASSERT_EQ(result.record.summary.served, 200'000);
    std::vector<double> waits;
    for (const auto& r : result.record.requests) waits.push_back(*r.start_s - r.arrival_s);
    const auto [mean, se] = testing::batch_means(waits, 20);
    const double theory = rho / (2.0 * (1.0 / d) * (1.0 - rho));
    EXPECT_NEAR(mean, theory, 4.0 * se) << "rho " << rho;
    EXPECT_LT(se, 0.03 * theory) << "rho " << rho;
    EXPECT_NEAR(*result.record.summary.wait_mean_ms, mean * 1e3, 1e-9);
    EXPECT_NEAR(*result.record.summary.service_mean_ms, 2.0, 1e-9);
  }
}

TEST(Simulator, SameSeedSameResultOtherSeedOtherResult) {
  const auto doc = document({cell(1, {1.0, 1.5, 3.0}), cell(2, {1.5, 2.0}), cell(4, {2.0, 2.5, 4.0})});
  const auto service = ServiceModel::from_profile(doc, "", 4, {.interpolate = true});
  const auto once = run("dynamic:4,1,preferred=2", service, "poisson:600", 5000, {.seed = 42});
  const auto again = run("dynamic:4,1,preferred=2", service, "poisson:600", 5000, {.seed = 42});
  const auto other = run("dynamic:4,1,preferred=2", service, "poisson:600", 5000, {.seed = 43});
  ASSERT_EQ(once.record.batches.size(), again.record.batches.size());
  for (std::size_t i = 0; i < once.record.batches.size(); ++i) {
    EXPECT_EQ(once.record.batches[i].size, again.record.batches[i].size);
    EXPECT_EQ(once.record.batches[i].dispatch_s, again.record.batches[i].dispatch_s);
    EXPECT_EQ(once.record.batches[i].end_s, again.record.batches[i].end_s);
  }
  EXPECT_EQ(once.record.summary.response_mean_ms, again.record.summary.response_mean_ms);
  EXPECT_EQ(once.record.summary.response_p99_ms, again.record.summary.response_p99_ms);
  EXPECT_NE(once.record.summary.response_mean_ms, other.record.summary.response_mean_ms);
}

TEST(Simulator, UnstableRateIsAnErrorGivingTheMaximumThroughput) {
  // fixed:4 on 1 ms/request + 2 ms/batch: at most 4 requests per 6 ms = 666.67 requests/s.
  const auto service = ServiceModel::linear(1.0, 2.0, 4);
  const auto policy = batching::make_policy("fixed:4");
  EXPECT_NEAR(max_throughput_rps(*policy, service, 1024), 4.0 / 6e-3, 1e-9);
  EXPECT_NEAR(max_throughput_rps(*policy, service, 2), 2.0 / 4e-3, 1e-9);  // the queue bounds the batch
  try {
    (void)run("fixed:4", service, "poisson:700", 1000);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("unstable at 700 requests/s"), std::string::npos) << message;
    EXPECT_NE(message.find("666.667"), std::string::npos) << message;
  }
  EXPECT_EQ(run("fixed:4", service, "poisson:600", 1000).record.summary.served, 1000);
}

TEST(Simulator, FullQueueRejects) {
  // Ten arrivals at once, capacity 4, 1 s per request: four wait, six are rejected; the four are
  // served one by one.
  const auto service = ServiceModel::linear(0.0, 1000.0, 1);
  const auto policy = batching::make_policy("fixed:1");
  const auto result = simulate(*policy, service, std::vector<double>(10, 0.5), {.queue_capacity = 4});
  EXPECT_EQ(result.record.summary.rejected, 6);
  EXPECT_EQ(result.record.summary.served, 4);
  EXPECT_DOUBLE_EQ(result.record.summary.duration_s, 4.0);
  EXPECT_DOUBLE_EQ(*result.record.summary.response_max_ms, 4000.0);
}

TEST(Simulator, EnergyIsBatchEnergiesPlusIdlePowerBetweenThem) {
  // Three batches of 100 ms and 2 J each at 0, 1 and 2 s; idle 10 W over the 1.8 s between them.
  const auto doc = document({cell(1, {100.0}, 2.0)}, "rapl", 10.0);
  const auto service = ServiceModel::from_profile(doc, "", 1, {});
  const auto policy = batching::make_policy("fixed:1");
  const auto result = simulate(*policy, service, {0.0, 1.0, 2.0}, {});
  const auto& s = result.record.summary;
  EXPECT_EQ(s.energy_source, "simulated from rapl");
  EXPECT_EQ(s.energy_status, "ok");
  EXPECT_DOUBLE_EQ(s.duration_s, 2.1);
  EXPECT_NEAR(*s.energy_j, 3 * 2.0 + 10.0 * 1.8, 1e-9);
  EXPECT_NEAR(*s.static_energy_j, 10.0 * 2.1, 1e-9);
  EXPECT_NEAR(*s.dynamic_energy_j, 3 * (2.0 - 10.0 * 0.1), 1e-9);
  EXPECT_NEAR(*s.energy_per_request_j, 24.0 / 3, 1e-9);
  EXPECT_TRUE(result.idle_energy);
  EXPECT_FALSE(result.interpolated);

  // Without an idle power only the batches count, and the result says so.
  const auto no_idle = ServiceModel::from_profile(document({cell(1, {100.0}, 2.0)}, "rapl"), "", 1, {});
  const auto batches_only = simulate(*policy, no_idle, {0.0, 1.0, 2.0}, {});
  EXPECT_NEAR(*batches_only.record.summary.energy_j, 6.0, 1e-9);
  EXPECT_FALSE(batches_only.record.summary.dynamic_energy_j);
  EXPECT_FALSE(batches_only.idle_energy);
  EXPECT_NE(batches_only.record.status_detail.find("batch energies only"), std::string::npos);

  // A profile without energy gives none, never 0 J.
  const auto none = simulate(*policy, ServiceModel::linear(0.0, 100.0, 1), {0.0, 1.0}, {});
  EXPECT_EQ(none.record.summary.energy_source, "none");
  EXPECT_FALSE(none.record.summary.energy_j);
}

TEST(Simulator, InterpolatedResultsAreFlagged) {
  const auto doc = document({cell(1, {1.0}), cell(4, {4.0})});
  const auto service = ServiceModel::from_profile(doc, "", 2, {.interpolate = true});
  const auto result = run("fixed:2", service, "poisson:100", 100);
  EXPECT_TRUE(result.interpolated);
  EXPECT_NE(result.record.status_detail.find("interpolated"), std::string::npos);
  const auto measured = run("fixed:1", ServiceModel::from_profile(doc, "", 1, {}), "poisson:100", 100);
  EXPECT_FALSE(measured.interpolated);
}

TEST(Simulator, RecordsAreAConsistentTimeline) {
  const auto service = ServiceModel::linear(0.5, 1.0, 8);
  const auto result = run("dynamic:8,2,preferred=4", service, "jitter:1500,spread=0.5", 3000);
  const auto& rec = result.record;
  std::int64_t in_batches = 0;
  double previous_end = 0.0;
  for (const auto& b : rec.batches) {
    in_batches += b.size;
    EXPECT_GE(b.start_s, previous_end);  // one server
    EXPECT_NEAR(b.end_s - b.start_s, (0.5 * b.size + 1.0) / 1e3, 1e-12);
    previous_end = b.end_s;
  }
  EXPECT_EQ(in_batches, rec.summary.served);
  EXPECT_EQ(rec.summary.served, 3000);
  for (const auto& r : rec.requests) {
    ASSERT_TRUE(r.batch_id);
    const auto& b = rec.batches[static_cast<std::size_t>(*r.batch_id)];
    EXPECT_LE(r.arrival_s, *r.dispatch_s);
    EXPECT_EQ(*r.completion_s, b.end_s);
  }
}

TEST(Simulator, ABatchAfterIdleTimeIsDrawnFromItsGapCell) {
  // 10 ms back to back, 40 ms after 100 ms idle. Requests at 0.5 s, 0.505 s and 2 s under fixed:1:
  // the first follows 500 ms idle (past the largest gap: held at 40 ms, and said so), the second
  // waits for it and runs back to back, the third follows ~1.5 s idle.
  const auto doc = document({with_gaps(cell(1, {10.0}, 1.0), {{100.0, {40.0}, 3.0}})}, "rapl", 10.0);
  const auto service = ServiceModel::from_profile(doc, "", 1, {});
  const auto policy = batching::make_policy("fixed:1");
  const auto result = simulate(*policy, service, {0.5, 0.505, 2.0}, {});
  const auto& b = result.record.batches;
  ASSERT_EQ(b.size(), 3U);
  EXPECT_NEAR(b[0].end_s - b[0].start_s, 0.040, 1e-12);
  EXPECT_NEAR(b[1].end_s - b[1].start_s, 0.010, 1e-12);
  EXPECT_NEAR(b[2].end_s - b[2].start_s, 0.040, 1e-12);
  EXPECT_NE(
      result.record.status_detail.find("2 of 3 batches followed more idle time than the largest measured idle gap"),
      std::string::npos)
      << result.record.status_detail;
  // Energy: batches 3 + 1 + 3 J, and 10 W over the idle time between them.
  const double busy = 0.090, duration = 2.040 - 0.5;
  EXPECT_NEAR(*result.record.summary.energy_j, 7.0 + 10.0 * (duration - busy), 1e-9);
}

TEST(Simulator, AProfileWithoutIdleGapsSaysItsDrawsAreBackToBack) {
  const auto service = ServiceModel::from_profile(document({cell(1, {10.0})}), "", 1, {});
  const auto result = simulate(*batching::make_policy("fixed:1"), service, {0.5, 2.0}, {});
  EXPECT_NE(result.record.status_detail.find("no idle-gap cells"), std::string::npos) << result.record.status_detail;
  EXPECT_NEAR(result.record.batches[1].end_s - result.record.batches[1].start_s, 0.010, 1e-12);
}

// slo:100 on a server that takes exactly 10 + 2b ms, knowing it from the start: three requests
// at 0, 10 and 20 ms, then the end of arrivals at the third — the tail goes at once (closed). A
// lone request later waits until its latest safe time, 100 − 12 = 88 ms after it arrived.
TEST(Simulator, SloHoldsToTheLatestSafeTimeAndFlushesTheTail) {
  const auto service = ServiceModel::linear(2.0, 10.0, 8);
  SimOptions options;
  options.estimate.record(1, 0.012);
  options.estimate.record(8, 0.026);
  const auto policy = batching::make_policy("slo:100,max=8");
  const auto tail = simulate(*policy, service, {0.0, 0.01, 0.02}, options);
  ASSERT_EQ(tail.record.batches.size(), 1u);
  EXPECT_DOUBLE_EQ(tail.record.batches[0].dispatch_s, 0.02);
  EXPECT_EQ(tail.record.batches[0].size, 3);
  EXPECT_EQ(tail.dispatch_reasons, (std::vector{batching::DispatchReason::closed}));

  const auto held = simulate(*policy, service, {0.0, 0.01, 0.5}, options);
  ASSERT_EQ(held.record.batches.size(), 2u);
  EXPECT_NEAR(held.record.batches[0].dispatch_s, 0.1 - 0.014, 1e-8);  // two waiting: 100 − s(2)
  EXPECT_EQ(held.record.batches[0].size, 2);
  EXPECT_NEAR(held.record.batches[0].end_s, 0.1, 1e-8);  // finishes at the deadline
  EXPECT_LE(held.record.batches[0].end_s, 0.1);
  EXPECT_EQ(held.dispatch_reasons.front(), batching::DispatchReason::deadline);
}

// Under Poisson load with service times that match its estimate, slo:MS never lets a request
// finish after its deadline unless it could not make it when dispatched (counted "late"), and
// no request is lost. Without an estimate it learns one from its first batches.
TEST(Simulator, SloMeetsItsDeadlinesAndLearnsOnline) {
  const auto service = ServiceModel::linear(2.0, 10.0, 32);
  for (const bool seeded : {true, false}) {
    SimOptions options{.queue_capacity = 4096, .slo_ms = 100.0};
    if (seeded) {
      options.estimate.record(1, 0.012);
      options.estimate.record(32, 0.074);
    }
    const auto result = run("slo:100,max=32", service, "poisson:100", 20'000, options);
    const auto& s = result.record.summary;
    EXPECT_EQ(s.served, 20'000);
    std::size_t late = 0;
    for (const auto reason : result.dispatch_reasons) late += reason == batching::DispatchReason::late ? 1 : 0;
    EXPECT_EQ(late, 0u) << "seeded " << seeded;
    EXPECT_LE(*s.response_max_ms, 100.0 + 1e-6) << "seeded " << seeded;
    EXPECT_GT(s.mean_batch_size, 2.0) << "seeded " << seeded;  // it does batch
  }
}

}  // namespace
}  // namespace greenbatch::sim