#pragma once
/// Seeded percentile-bootstrap confidence intervals of the mean and the median (pure functions:
/// the same sample, options and seed always give the same intervals).

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>

namespace greenbatch::stats {

/// A closed interval [lower, upper].
struct Interval {
  double lower = 0.0;  ///< lower bound
  double upper = 0.0;  ///< upper bound
};

/// How to bootstrap: number of resamples, confidence level and the seed of the generator.
struct BootstrapOptions {
  std::size_t resamples = 2000;   ///< B, the number of resamples (at least 1)
  double level = 0.95;            ///< confidence level, strictly between 0 and 1
  std::uint64_t seed = 20240601;  ///< seed of the std::mt19937_64 that draws the resamples
};

/// Percentile-bootstrap intervals of the location of one sample.
struct BootstrapIntervals {
  Interval mean;    ///< interval for the mean
  Interval median;  ///< interval for the median
};

/// A uniformly distributed index in [0, n) from one or more 64-bit draws of `engine`, exact by
/// rejection: draws below 2^64 mod n are discarded so that every index has the same number of
/// accepted draws (the rejection method of OpenBSD arc4random_uniform; Lemire 2019, "Fast random
/// integer generation in an interval", ACM TOMACS 29(1)). n ≥ 1.
std::size_t uniform_index(std::mt19937_64& engine, std::size_t n);

/// Resamples `values` with replacement B times and returns, for the mean and for the median, the
/// percentile interval [q(α/2), q(1 − α/2)] of the B resampled statistics, α = 1 − level, with
/// type-7 quantiles (Efron & Tibshirani 1993, An Introduction to the Bootstrap, §13.3). Both
/// statistics are taken from the same resamples. Needs at least two finite values and valid
/// options (InputError otherwise).
BootstrapIntervals bootstrap_location(std::span<const double> values, const BootstrapOptions& options = {});

}  // namespace greenbatch::stats
