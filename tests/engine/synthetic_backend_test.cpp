// The synthetic backend: spec parsing, batch time alpha*b + tau0, spin vs sleep CPU use.
#include <gtest/gtest.h>
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

// Runs one batch of `n` and returns {wall ms, thread CPU ms}.
std::pair<double, double> time_batch(Backend& backend, int n) {
  const auto batch = ImageBatch{backend.input_shape(), n, {}};
  const double cpu0 = thread_cpu_ms();
  const auto t0 = std::chrono::steady_clock::now();
  backend.run_discard(batch);
  const auto wall = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return {wall, thread_cpu_ms() - cpu0};
}

TEST(SyntheticBackend, BatchTakesAlphaTimesSizePlusTau0) {
  const auto backend = make_synthetic_backend(parse_synthetic_spec("alpha=3,tau0=5,mode=sleep"));
  const auto [wall1, cpu1] = time_batch(*backend, 1);
  const auto [wall8, cpu8] = time_batch(*backend, 8);
  EXPECT_GE(wall1, 8.0);
  EXPECT_GE(wall8, 29.0);
  // Upper bounds are loose (a loaded machine delays wake-ups) but catch a wrong formula.
  EXPECT_LT(wall1, 8.0 + 50.0);
  EXPECT_LT(wall8, 29.0 + 50.0);
  EXPECT_LT(cpu8, 0.5 * 29.0);  // sleeping does not load the CPU
  EXPECT_EQ(backend->info().kind, "synthetic");
  EXPECT_EQ(backend->run(ImageBatch{backend->input_shape(), 2, {}}).rows, 2);
}

TEST(SyntheticBackend, SpinModeBurnsCpu) {
  const auto backend = make_synthetic_backend(parse_synthetic_spec("alpha=10,tau0=0,mode=spin"));
  const auto [wall, cpu] = time_batch(*backend, 3);
  EXPECT_GE(wall, 30.0);
  // Busy-waiting: the thread is on the CPU whenever the scheduler lets it (a sleeping one uses ~0).
  EXPECT_GE(cpu, 0.2 * wall);
}

}  // namespace
}  // namespace greenbatch::engine
