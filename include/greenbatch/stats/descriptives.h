#pragma once
/// Descriptive statistics of one sample (pure functions).

#include <cstddef>
#include <span>

namespace greenbatch::stats {

/// Unbiased sample variance Σ(x − x̄)² / (n − 1); needs at least two finite values (InputError
/// otherwise).
double sample_variance(std::span<const double> values);

/// The usual descriptives of a sample; quartiles are Hyndman–Fan type 7 (R's default), so the
/// IQR matches R's IQR().
struct Descriptives {
  std::size_t n = 0;    ///< number of observations
  double mean = 0.0;    ///< arithmetic mean
  double sd = 0.0;      ///< sample standard deviation (n − 1 denominator)
  double median = 0.0;  ///< 0.5-quantile
  double q1 = 0.0;      ///< 0.25-quantile (type 7)
  double q3 = 0.0;      ///< 0.75-quantile (type 7)
  double iqr = 0.0;     ///< q3 − q1
  double min = 0.0;     ///< smallest value
  double max = 0.0;     ///< largest value
};

/// Describes a sample of at least two finite values (InputError otherwise).
Descriptives describe(std::span<const double> values);

}  // namespace greenbatch::stats
