// The synthetic backend: spec parsing, batch time alpha*b + tau0, spin vs sleep CPU use.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <time.h>

#include <chrono>

#include "greenbatch/core/error.h"
#include "greenbatch/engine/synthetic_backend.h"

namespace greenbatch::engine {
namespace {

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

TEST(SyntheticSpec, ParsesAllKeys) {
  const auto spec = parse_synthetic_spec("synthetic:alpha=2.5,tau0=4,mode=sleep");
  EXPECT_DOUBLE_EQ(spec.alpha_ms, 2.5);
  EXPECT_DOUBLE_EQ(spec.tau0_ms, 4.0);
  EXPECT_EQ(spec.mode, SyntheticMode::sleep);
  EXPECT_EQ(to_string(spec), "synthetic:alpha=2.5,tau0=4,mode=sleep");
  EXPECT_EQ(parse_synthetic_spec("alpha=1").mode, SyntheticMode::spin);
}

TEST(SyntheticSpec, RejectsBadParts) {
  EXPECT_THROW(parse_synthetic_spec("synthetic:tau0=1"), UsageError);  // alpha missing
  EXPECT_THROW(parse_synthetic_spec("synthetic:alpha=-1"), UsageError);
  EXPECT_THROW(parse_synthetic_spec("synthetic:alpha=abc"), UsageError);
  EXPECT_THROW(parse_synthetic_spec("synthetic:alpha=1,beta=2"), UsageError);
  EXPECT_THROW(parse_synthetic_spec("synthetic:alpha=1,mode=fast"), UsageError);
  EXPECT_THROW(parse_synthetic_spec("synthetic:alpha"), UsageError);
}

// What one batch of `n` cost the calling thread.
struct BatchCost {
  double wall_ms;
  double cpu_ms;
  long voluntary_switches;  ///< times the thread gave up the CPU by blocking (sleeping)
};

long voluntary_switches() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_nvcsw;
}

BatchCost time_batch(Backend& backend, int n) {
  const auto batch = ImageBatch{backend.input_shape(), n, {}};
  const double cpu0 = thread_cpu_ms();
  const long switches0 = voluntary_switches();
  const auto t0 = std::chrono::steady_clock::now();
  backend.run_discard(batch);
  const auto wall = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return {wall, thread_cpu_ms() - cpu0, voluntary_switches() - switches0};
}

TEST(SyntheticSpec, BatchTimeIsAlphaTimesSizePlusTau0) {
  const auto spec = parse_synthetic_spec("alpha=3,tau0=5");
  EXPECT_DOUBLE_EQ(batch_ms(spec, 1), 8.0);
  EXPECT_DOUBLE_EQ(batch_ms(spec, 8), 29.0);
  EXPECT_DOUBLE_EQ(batch_ms(parse_synthetic_spec("alpha=0.5,tau0=0"), 3), 1.5);
}

// Live runs only assert what no load can break: a batch never ends early, a sleeping batch blocks
// (and so uses little CPU), a spinning one never blocks.
TEST(SyntheticBackend, SleepModeWaitsAtLeastTheBatchTimeWithoutLoadingTheCpu) {
  const auto backend = make_synthetic_backend(parse_synthetic_spec("alpha=3,tau0=5,mode=sleep"));
  const auto one = time_batch(*backend, 1);
  const auto eight = time_batch(*backend, 8);
  EXPECT_GE(one.wall_ms, 8.0);
  EXPECT_GE(eight.wall_ms, 29.0);
  EXPECT_GE(eight.voluntary_switches, 1);
  EXPECT_LT(eight.cpu_ms, 0.5 * 29.0);  // CPU time accrues only while running, and a sleeper is not
  EXPECT_EQ(backend->info().kind, "synthetic");
  EXPECT_EQ(backend->run(ImageBatch{backend->input_shape(), 2, {}}).rows, 2);
}

TEST(SyntheticBackend, SpinModeNeverBlocks) {
  const auto backend = make_synthetic_backend(parse_synthetic_spec("alpha=10,tau0=0,mode=spin"));
  const auto cost = time_batch(*backend, 3);
  EXPECT_GE(cost.wall_ms, 30.0);
  // Busy-waiting: the thread stays runnable throughout; only preemption takes the CPU from it.
  EXPECT_EQ(cost.voluntary_switches, 0);
  EXPECT_GT(cost.cpu_ms, 0.0);
}

}  // namespace
}  // namespace greenbatch::engine
