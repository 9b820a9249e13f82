#pragma once
/// Internal to cli: idle OpenMP threads should sleep, not spin, between batches.

namespace greenbatch::cli {

/// When the command runs inference and OMP_WAIT_POLICY is unset, re-executes greenbatch once with
/// OMP_WAIT_POLICY=PASSIVE. LibTorch's OpenMP threads otherwise busy-wait after every parallel
/// region: between the batches of a live trial that burns CPU (energy the work did not need), and
/// on a busy machine it made inference up to 40x slower. libgomp reads the variable when it is
/// loaded, before main, so setting it later has no effect. Returns normally when nothing is to do
/// or the re-execution fails.
void ensure_passive_omp_waiting(int argc, char** argv);

}  // namespace greenbatch::cli
