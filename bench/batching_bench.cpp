// Batching hot paths (Google Benchmark): request-queue push+pop throughput, policy decisions,
// and the live trial's dispatch overhead — from the moment a batch becomes dispatchable (the
// arrival that completes it) to the backend call — as p50/p99 counters.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <thread>

#include "greenbatch/batching/policy.h"
#include "greenbatch/engine/synthetic_backend.h"
#include "greenbatch/runtime/shared_queue.h"
#include "greenbatch/stats/quantile.h"
#include "greenbatch/trial/live_trial.h"
#include "greenbatch/workload/arrival.h"

namespace {

using greenbatch::batching::QueuedRequest;
using greenbatch::runtime::SharedQueue;

// One push and one pop of a batch-sized group per iteration, on one thread (the lock's cost).
void BM_QueuePushPop(benchmark::State& state) {
  const auto batch = static_cast<std::size_t>(state.range(0));
  SharedQueue queue(1024);
  std::vector<QueuedRequest> out;
  out.reserve(batch);
  std::int64_t id = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < batch; ++i) queue.push({id++, 0.0});
    out.clear();
    queue.pop(batch, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch) * 2);  // push + pop
}
BENCHMARK(BM_QueuePushPop)->Arg(1)->Arg(8)->Arg(64);

// A producer thread pushes while the benchmark thread pops batches of up to 8 (contended lock).
void BM_QueueProducerConsumer(benchmark::State& state) {
  SharedQueue queue(4096);
  std::atomic<bool> done{false};
  std::thread producer([&] {
    std::int64_t id = 0;
    while (!done.load(std::memory_order_relaxed)) queue.push({id++, 0.0});
  });
  std::vector<QueuedRequest> out;
  std::int64_t popped = 0;
  for (auto _ : state) {
    out.clear();
    popped += static_cast<std::int64_t>(queue.pop(8, out));
  }
  done = true;
  producer.join();
  state.SetItemsProcessed(popped * 2);  // each popped request was also pushed
}
BENCHMARK(BM_QueueProducerConsumer)->UseRealTime();

void BM_PolicyDecide(benchmark::State& state) {
  const auto policy = greenbatch::batching::make_policy("dynamic:32,5,preferred=8|16");
  const greenbatch::batching::QueueView view{7, 0.0, false};
  const greenbatch::batching::ServiceEstimate estimate;
  double now = 0.0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(policy->decide(now, view, estimate));
    now += 1e-6;
  }
}
BENCHMARK(BM_PolicyDecide);

// A live trial with fixed:1 (every arrival makes a batch dispatchable) on a synthetic backend
// of 0.2 ms per batch, 1000 requests at 1000/s; the overhead of a batch is its service start
// (taken just before the backend call) minus the arrival of its request.
void BM_DispatchOverhead(benchmark::State& state) {
  const auto backend = greenbatch::engine::make_synthetic_backend(
      greenbatch::engine::parse_synthetic_spec("alpha=0,tau0=0.2,mode=sleep"));
  const auto policy = greenbatch::batching::make_policy("fixed:1");
  std::vector<double> overhead_us;
  for (auto _ : state) {
    auto arrival = greenbatch::workload::make_arrival("jitter:1000", 1);
    greenbatch::trial::LiveTrialOptions options;
    options.schedule = greenbatch::workload::arrival_schedule(*arrival, 1000, std::nullopt);
    const auto record = greenbatch::trial::run_live_trial(*backend, *policy, options);
    for (const auto& r : record.requests) {
      if (r.start_s) overhead_us.push_back((*r.start_s - r.arrival_s) * 1e6);
    }
  }
  std::ranges::sort(overhead_us);
  state.counters["p50_us"] = greenbatch::stats::quantile_sorted(overhead_us, 0.50);
  state.counters["p99_us"] = greenbatch::stats::quantile_sorted(overhead_us, 0.99);
  state.counters["max_us"] = overhead_us.back();
}
BENCHMARK(BM_DispatchOverhead)->Iterations(3)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
