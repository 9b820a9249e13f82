// The runtime worker with a scripted batch runner: every request runs once, in order, in
// batches the policy chose; times are ordered; the estimate learns; failures are reported and
// survived. Invariants only, no wall-clock thresholds (also built with ThreadSanitizer).
#include "greenbatch/runtime/worker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "greenbatch/batching/policy.h"

namespace greenbatch::runtime {
namespace {

using batching::QueuedRequest;

// What the worker reported, batch by batch.
struct Seen {
  std::vector<std::int64_t> ids;  // request ids in the order they were run
  std::vector<BatchRun> runs;
  std::vector<bool> failed;
};

// Pushes `count` requests from a producer thread, then closes; runs the worker on this thread
// with `policy`, failing the batches whose index is in `fail`.
Seen drive(const batching::Policy& policy, int count, batching::ServiceEstimate& estimate,
           const std::vector<std::int64_t>& fail = {}) {
  SharedQueue queue(static_cast<std::size_t>(count));
  const WorkerClock clock(std::chrono::steady_clock::now());
  std::thread producer([&] {
    for (int i = 0; i < count; ++i) EXPECT_TRUE(queue.push({i, clock.now_s()}));
    queue.close();
  });
  Seen seen;
  std::int64_t batch_index = 0;
  const auto run_batch = [&](std::span<const QueuedRequest> batch) {
    const bool fails = std::ranges::find(fail, batch_index++) != fail.end();
    if (fails) throw std::runtime_error("scripted failure");
    for (const auto& r : batch) seen.ids.push_back(r.id);
  };
  const auto batch_done = [&](std::span<const QueuedRequest> batch, const BatchRun& run, std::exception_ptr error) {
    EXPECT_EQ(static_cast<std::size_t>(run.batch.size), batch.size());
    seen.runs.push_back(run);
    seen.failed.push_back(error != nullptr);
  };
  run_worker(queue, policy, estimate, clock, run_batch, batch_done);
  producer.join();
  return seen;
}

TEST(Worker, RunsEveryRequestOnceInOrderWithOrderedTimes) {
  const auto policy = batching::make_policy("fixed:4");
  batching::ServiceEstimate estimate;
  const auto seen = drive(*policy, 10, estimate);
  ASSERT_EQ(seen.ids.size(), 10u);
  for (std::size_t i = 0; i < seen.ids.size(); ++i) EXPECT_EQ(seen.ids[i], static_cast<std::int64_t>(i));
  // fixed:4 dispatches full batches while arrivals go on, then the tail when the queue closes.
  ASSERT_FALSE(seen.runs.empty());
  int served = 0;
  for (std::size_t b = 0; b < seen.runs.size(); ++b) {
    const auto& r = seen.runs[b];
    EXPECT_EQ(r.batch.id, static_cast<std::int64_t>(b));
    EXPECT_LE(r.batch.size, 4);
    EXPECT_LE(r.batch.dispatch_s, r.batch.start_s);
    EXPECT_LE(r.batch.start_s, r.batch.end_s);
    if (b > 0) {
      EXPECT_LE(seen.runs[b - 1].batch.end_s, r.batch.dispatch_s);
    }
    EXPECT_TRUE(r.reason == batching::DispatchReason::full || r.reason == batching::DispatchReason::closed);
    if (r.batch.size < 4) {
      EXPECT_EQ(r.reason, batching::DispatchReason::closed);
    }
    served += r.batch.size;
  }
  EXPECT_EQ(served, 10);
  // Every batch size that ran is known to the estimate now.
  for (const auto& r : seen.runs) EXPECT_TRUE(std::ranges::binary_search(estimate.known_sizes(), r.batch.size));
}

TEST(Worker, AFailedBatchIsReportedAndTheLoopGoesOn) {
  const auto policy = batching::make_policy("fixed:1");
  batching::ServiceEstimate estimate;
  const auto seen = drive(*policy, 5, estimate, {1, 3});
  ASSERT_EQ(seen.runs.size(), 5u);
  EXPECT_EQ(seen.failed, (std::vector<bool>{false, true, false, true, false}));
  EXPECT_EQ(seen.ids, (std::vector<std::int64_t>{0, 2, 4}));
  // Only the three batches that succeeded were learned (all of size 1; the window holds them).
  EXPECT_EQ(estimate.known_sizes(), (std::vector<std::size_t>{1}));
}

TEST(Worker, AnExceptionFromBatchDoneStopsTheLoop) {
  const auto policy = batching::make_policy("fixed:1");
  batching::ServiceEstimate estimate;
  SharedQueue queue(8);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(queue.push({i, 0.0}));
  queue.close();
  int done = 0;
  const auto run_batch = [](std::span<const QueuedRequest>) {};
  const auto batch_done = [&](std::span<const QueuedRequest>, const BatchRun&, std::exception_ptr) {
    ++done;
    throw std::runtime_error("stop");
  };
  EXPECT_THROW(
      run_worker(queue, *policy, estimate, WorkerClock(std::chrono::steady_clock::now()), run_batch, batch_done),
      std::runtime_error);
  EXPECT_EQ(done, 1);
  EXPECT_EQ(queue.view().size, 2u);  // the rest stay queued
}

}  // namespace
}  // namespace greenbatch::runtime
