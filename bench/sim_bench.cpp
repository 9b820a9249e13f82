// The simulator's speed (Google Benchmark): simulated requests per second, arrivals drawn and
// every request and batch recorded and summarised as for `greenbatch simulate`.
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include "greenbatch/batching/policy.h"
#include "greenbatch/sim/simulator.h"
#include "greenbatch/workload/arrival.h"

namespace {

using greenbatch::sim::ServiceModel;

constexpr std::int64_t kRequests = 1 << 20;

// A profile-like model: 64 measured latencies per batch size 1..64 around 1 ms/request + 2 ms.
ServiceModel measured_model() {
  greenbatch::profile::ProfileDocument doc;
  doc.path = "bench";
  doc.energy_source = "rapl";
  doc.idle_power_w = 10.0;
  for (int b = 1; b <= 64; ++b) {
    greenbatch::profile::ProfileCell c;
    c.model = "bench";
    c.batch_size = b;
    for (int i = 0; i < 64; ++i) c.latency_samples_ms.push_back((1.0 * b + 2.0) * (0.9 + 0.2 * i / 63.0));
    c.latency_mean_ms = 1.0 * b + 2.0;
    c.energy_per_batch_j = 0.02 * (1.0 * b + 2.0);
    doc.cells.push_back(std::move(c));
  }
  return ServiceModel::from_profile(doc, "", 64, {});
}

// One simulated trial of 2^20 Poisson arrivals per iteration at the given share (percent) of the
// policy's maximum throughput.
void simulate_policy(benchmark::State& state, const std::string& spec, const ServiceModel& service) {
  const auto policy = greenbatch::batching::make_policy(spec);
  const double rate = static_cast<double>(state.range(0)) / 100.0 *
                      greenbatch::sim::max_throughput_rps(*policy, service, kRequests);
  double mean_batch = 0.0;
  for (auto _ : state) {
    const auto arrival = greenbatch::workload::make_arrival(fmt::format("poisson:{}", rate), 1);
    const auto result = greenbatch::sim::simulate(*policy, service, *arrival, kRequests, std::nullopt,
                                                  {.queue_capacity = static_cast<std::size_t>(kRequests)});
    mean_batch = result.record.summary.mean_batch_size;
    benchmark::DoNotOptimize(result.record.summary.response_p99_ms);
  }
  state.SetItemsProcessed(state.iterations() * kRequests);
  state.counters["mean_batch"] = mean_batch;
}

void BM_SimulateGreedyLinear(benchmark::State& state) {
  simulate_policy(state, "greedy:64", ServiceModel::linear(1.0, 2.0, 64));
}
BENCHMARK(BM_SimulateGreedyLinear)->Arg(50)->Arg(90)->Unit(benchmark::kMillisecond);

void BM_SimulateFixedMeasured(benchmark::State& state) {
  simulate_policy(state, "fixed:8,timeout=5", measured_model());
}
BENCHMARK(BM_SimulateFixedMeasured)->Arg(50)->Arg(90)->Unit(benchmark::kMillisecond);

void BM_SimulateDynamicMeasured(benchmark::State& state) {
  simulate_policy(state, "dynamic:64,2,preferred=8|16|32", measured_model());
}
BENCHMARK(BM_SimulateDynamicMeasured)->Arg(50)->Arg(90)->Unit(benchmark::kMillisecond);

}  // namespace
