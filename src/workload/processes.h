#pragma once
// The factories of every arrival process; make_arrival.cpp parses specs into calls to them.

#include <cstdint>
#include <filesystem>
#include <memory>

#include "greenbatch/workload/arrival.h"

namespace greenbatch::workload {

/// Gaps of (1/rate)·U, U uniform in [1 - spread, 1 + spread]; rate > 0, 0 <= spread < 1.
std::unique_ptr<ArrivalProcess> make_jitter(double rate, double spread, std::uint64_t seed);
/// Exponential gaps with mean 1/rate; rate > 0.
std::unique_ptr<ArrivalProcess> make_poisson(double rate, std::uint64_t seed);
/// Poisson at `rate` during ON periods of `on_s` seconds, silent for `off_s` seconds between them,
/// starting with an ON period at t = 0; rate > 0, on_s > 0, off_s >= 0.
std::unique_ptr<ArrivalProcess> make_onoff(double rate, double on_s, double off_s, std::uint64_t seed);
/// Replays a trace file, read now: absolute times, or gaps between arrivals when `gaps` is set.
/// Throws InputError naming the file (and line) when it is missing, malformed or empty.
std::unique_ptr<ArrivalProcess> make_trace(const std::filesystem::path& file, bool gaps);

}  // namespace greenbatch::workload
