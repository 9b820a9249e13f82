#pragma once
/// Order statistics of samples (pure functions).

#include <span>
#include <vector>

namespace greenbatch::stats {

/// The q-quantile (0 <= q <= 1) of `sorted` by linear interpolation between order statistics
/// (Hyndman and Fan type 7, the default of R and numpy). `sorted` must be ascending and non-empty.
double quantile_sorted(std::span<const double> sorted, double q);

/// Arithmetic mean; `values` must be non-empty.
double mean(std::span<const double> values);

/// Summary of a sample used by profiles and trials.
struct Summary {
  double mean = 0.0;    ///< arithmetic mean
  double median = 0.0;  ///< 0.5-quantile
  double p95 = 0.0;     ///< 0.95-quantile
  double min = 0.0;     ///< smallest value
  double max = 0.0;     ///< largest value
};

/// Summarises a non-empty sample (copied and sorted internally).
Summary summarize(std::vector<double> values);

}  // namespace greenbatch::stats
