// Live trials on the synthetic backend: response time against the value derived by hand, no
// request lost or duplicated, rejections when the queue is full, a failing backend.
#include <gtest/gtest.h>

#include <set>

#include "greenbatch/engine/synthetic_backend.h"
#include "greenbatch/trial/live_trial.h"
#include "greenbatch/workload/arrival.h"

namespace greenbatch::trial {
namespace {

std::vector<double> schedule(const std::string& arrival, std::int64_t requests) {
  auto process = workload::make_arrival(arrival, 1);
  return workload::arrival_schedule(*process, requests, std::nullopt);
}

std::unique_ptr<engine::Backend> synthetic(const std::string& spec) {
  return engine::make_synthetic_backend(engine::parse_synthetic_spec(spec));
}

TEST(LiveTrial, FixedBatchesAtAConstantRateMatchTheHandDerivedResponseTime) {
  // Arrivals every T = 10 ms; fixed:4; a batch of 4 takes S = 2 x 4 + 5 = 13 ms < 4T, so the
  // server is always free when a batch fills. The j-th request of a batch (j = 0..3) waits
  // (3 - j)T for the last one, then S: mean response = 3T/2 + S = 15 + 13 = 28 ms.
  const auto backend = synthetic("alpha=2,tau0=5,mode=sleep");
  const auto policy = batching::make_policy("fixed:4");
  LiveTrialOptions options;
  options.schedule = schedule("jitter:100,spread=0", 200);
  const auto record = run_live_trial(*backend, *policy, options);
  const auto& s = record.summary;
  EXPECT_EQ(record.status, "ok");
  EXPECT_EQ(s.served, 200);
  EXPECT_EQ(s.batches, 50);
  EXPECT_DOUBLE_EQ(s.mean_batch_size, 4.0);
  EXPECT_NEAR(*s.response_mean_ms, 28.0, 3.0);
  EXPECT_NEAR(*s.service_mean_ms, 13.0, 2.0);
  EXPECT_NEAR(*s.wait_mean_ms, 15.0, 2.0);
  EXPECT_NEAR(s.throughput_rps, 100.0, 5.0);
}

TEST(LiveTrial, TenThousandRequestsNoneLostOrDuplicated) {
  const auto backend = synthetic("alpha=0.01,tau0=0.05,mode=sleep");
  const auto policy = batching::make_policy("greedy:64");
  LiveTrialOptions options;
  options.schedule = schedule("poisson:20000", 10000);
  options.queue_capacity = 10000;
  const auto record = run_live_trial(*backend, *policy, options);
  ASSERT_EQ(record.requests.size(), 10000u);
  std::set<std::int64_t> ids;
  std::int64_t in_batches = 0;
  for (const auto& b : record.batches) in_batches += b.size;
  for (const auto& r : record.requests) {
    ids.insert(r.id);
    ASSERT_FALSE(r.rejected);
    ASSERT_TRUE(r.completion_s.has_value()) << r.id;
    EXPECT_GE(*r.start_s, r.arrival_s);
    EXPECT_GE(r.arrival_s, r.scheduled_s);  // never released early
  }
  EXPECT_EQ(ids.size(), 10000u);
  EXPECT_EQ(in_batches, 10000);
  EXPECT_EQ(record.summary.served, 10000);
}

TEST(LiveTrial, FullQueueRejectsAndCountsWithoutBlockingTheProducer) {
  // 1000 requests/s into a queue of 4 while each batch of up to 4 takes 50 ms: most are rejected.
  const auto backend = synthetic("alpha=0,tau0=50,mode=sleep");
  const auto policy = batching::make_policy("greedy:4");
  LiveTrialOptions options;
  options.schedule = schedule("jitter:1000,spread=0", 200);
  options.queue_capacity = 4;
  const auto record = run_live_trial(*backend, *policy, options);
  const auto& s = record.summary;
  EXPECT_GT(s.rejected, 100);
  EXPECT_EQ(s.served + s.rejected, 200);
  EXPECT_LT(s.lateness_max_ms, 20.0);  // the producer kept its schedule
}

// A backend whose third batch throws.
class FailingBackend final : public engine::Backend {
 public:
  [[nodiscard]] engine::BackendInfo info() const override { return {"test", "failing", "cpu", 1, "", "", "none"}; }
  [[nodiscard]] engine::Preprocessing preprocessing() const override { return {}; }
  [[nodiscard]] engine::InputShape input_shape() const override { return {3, 1, 1}; }
  void warm_up(int, int) override {}
  engine::Scores run(const engine::ImageBatch& batch) override {
    run_discard(batch);
    return {};
  }
  void run_discard(const engine::ImageBatch&) override {
    if (++batches_ == 3) throw std::runtime_error("device lost");
  }
  [[nodiscard]] std::optional<double> flops_per_image() override { return std::nullopt; }

 private:
  int batches_ = 0;
};

TEST(LiveTrial, FailingBackendEndsTheTrialAndKeepsWhatWasServed) {
  FailingBackend backend;
  const auto policy = batching::make_policy("fixed:2");
  LiveTrialOptions options;
  options.schedule = schedule("jitter:500,spread=0", 50);
  const auto record = run_live_trial(backend, *policy, options);
  EXPECT_EQ(record.status, "backend_failed");
  EXPECT_EQ(record.status_detail, "device lost");
  EXPECT_EQ(record.summary.served, 4);  // two batches of 2 before the failure
  EXPECT_LE(record.requests.size(), 50u);
}

}  // namespace
}  // namespace greenbatch::trial
