#pragma once
/// Internal to cli: idle OpenMP and OpenBLAS threads should sleep, not spin, between batches.

namespace greenbatch::cli {

/// When the command runs inference and OMP_WAIT_POLICY or OPENBLAS_THREAD_TIMEOUT is unset,
/// re-executes greenbatch once with OMP_WAIT_POLICY=PASSIVE and OPENBLAS_THREAD_TIMEOUT=4 (idle
/// OpenBLAS threads sleep after 2^4 cycles). Otherwise LibTorch's OpenMP threads and OpenBLAS's
/// pool busy-wait after every call: between the batches of a live trial that burns CPU the work
/// did not need, and on a busy machine it made inference up to 40x slower. Both libraries read
/// these variables when they are loaded, before main, so setting them later has no effect. A
/// variable the user set is kept. Returns normally when nothing is to do or exec fails.
void ensure_sleeping_idle_threads(int argc, char** argv);

}  // namespace greenbatch::cli
