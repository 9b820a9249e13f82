#pragma once
/// Internal to cli: idle OpenMP and OpenBLAS threads should sleep, not spin, between batches.

namespace greenbatch::cli {

/// When the command runs inference and a variable of engine::kThreadWaitSettings is unset,
/// re-executes greenbatch once with them set (OMP_WAIT_POLICY=PASSIVE, OPENBLAS_THREAD_TIMEOUT=4). Otherwise LibTorch's
/// OpenMP threads and OpenBLAS's pool busy-wait for milliseconds after every call: between the batches of a live trial
/// that burns CPU the work did not need, and on a busy machine it made inference up to 40x slower. Both libraries read
/// these variables when they are loaded, before main, so setting them later has no effect. A
/// variable the user set is kept. Returns normally when nothing is to do or exec fails.
void ensure_sleeping_idle_threads(int argc, char** argv);

}  // namespace greenbatch::cli
