// Live trials on the synthetic backend: response time against the value derived by hand, no
// request lost or duplicated, rejections when the queue is full, a failing backend.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "greenbatch/energy/sampler.h"
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

TEST(LiveTrial, FixedBatchesHoldTheirInvariantsWhateverTheMachineIsDoing) {
  // Arrivals every 10 ms; fixed:4; a batch of 4 sleeps 2 x 4 + 5 = 13 ms. Timing varies with the
  // machine's load, so only what must hold is checked (the response times themselves are checked
  // on the simulator's virtual clock): full batches, a batch starts only after its last request
  // arrived and after the previous batch ended, and lasts at least its 13 ms.
  const auto backend = synthetic("alpha=2,tau0=5,mode=sleep");
  const auto policy = batching::make_policy("fixed:4");
  LiveTrialOptions options;
  options.schedule = schedule("jitter:100,spread=0", 200);
  const auto record = run_live_trial(*backend, *policy, options);
  const auto& s = record.summary;
  EXPECT_EQ(record.status, TrialStatus::ok);
  EXPECT_EQ(s.served, 200);
  EXPECT_EQ(s.batches, 50);
  EXPECT_DOUBLE_EQ(s.mean_batch_size, 4.0);
  std::vector<double> last_arrival(record.batches.size(), 0.0);
  for (const auto& r : record.requests) {
    ASSERT_TRUE(r.batch_id.has_value());
    auto& last = last_arrival[static_cast<std::size_t>(*r.batch_id)];
    last = std::max(last, r.arrival_s);
    EXPECT_GE(r.arrival_s, r.scheduled_s);
  }
  double previous_end = 0.0;
  for (const auto& b : record.batches) {
    EXPECT_EQ(b.size, 4);
    EXPECT_GE(b.dispatch_s, last_arrival[static_cast<std::size_t>(b.id)]);
    EXPECT_GE(b.start_s, b.dispatch_s);
    EXPECT_GE(b.start_s, previous_end);
    EXPECT_GE(b.end_s - b.start_s, 0.013);
    previous_end = b.end_s;
  }
}

// A meter whose counter grows 10 W on the steady clock: enough to sample a real trial.
class SteadyMeter final : public energy::Meter {
 public:
  [[nodiscard]] std::string_view name() const override { return "steady"; }
  [[nodiscard]] std::string_view source() const override { return "estimate"; }
  [[nodiscard]] const std::vector<energy::Domain>& domains() const override { return domains_; }
  energy::Reading read() override {
    const double t = energy::MeterOptions{}.now_s();
    return {t, {10.0 * t}};
  }

 private:
  std::vector<energy::Domain> domains_{{"cpu", energy::DomainKind::package, true}};
};

TEST(LiveTrial, PowerTraceAndBatchesShareTheTrialClock) {
  std::vector<std::unique_ptr<energy::Meter>> meters;
  meters.push_back(std::make_unique<SteadyMeter>());
  energy::Sampler sampler(std::move(meters), energy::SamplerOptions{0.002});
  sampler.start();
  const auto backend = synthetic("alpha=1,tau0=3,mode=sleep");
  const auto policy = batching::make_policy("greedy:8");
  LiveTrialOptions options;
  options.schedule = schedule("poisson:200", 60);
  options.sampler = &sampler;
  const auto record = run_live_trial(*backend, *policy, options);
  ASSERT_TRUE(record.energy_window.has_value());
  const auto window = *record.energy_window;
  EXPECT_LE(window.begin_s, 0.0);  // the window opens at the trial's start, on its clock
  ASSERT_FALSE(record.batches.empty());
  for (const auto& b : record.batches) {  // every batch falls inside the sampled window
    EXPECT_GE(b.start_s, window.begin_s);
    EXPECT_LE(b.end_s, window.end_s);
  }
  ASSERT_FALSE(record.power_trace.empty());
  for (const auto& p : record.power_trace) {  // and so does every sample, on the same clock
    EXPECT_GT(p.time_s, window.begin_s);
    EXPECT_LE(p.time_s, window.end_s);
  }
  EXPECT_GE(record.power_trace.back().time_s, record.batches.back().end_s);
  // 10 W over the window (the meter reads a moment after each mark's time stamp: a small slack).
  EXPECT_NEAR(*record.summary.energy_j, 10.0 * (window.end_s - window.begin_s), 0.5);
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
  EXPECT_GT(s.rejected, 0);
  EXPECT_EQ(s.served + s.rejected, 200);  // every request either served or counted as rejected
  for (const auto& r : record.requests) {
    EXPECT_EQ(r.rejected, !r.batch_id.has_value()) << r.id;
    EXPECT_GE(r.arrival_s, r.scheduled_s);  // released on schedule or late (lateness recorded), never early
  }
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
  EXPECT_EQ(record.status, TrialStatus::backend_failed);
  EXPECT_EQ(record.status_detail, "device lost");
  EXPECT_EQ(record.summary.served, 4);  // two batches of 2 before the failure
  EXPECT_LE(record.requests.size(), 50u);
}

}  // namespace
}  // namespace greenbatch::trial
