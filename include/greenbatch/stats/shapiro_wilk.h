#pragma once
/// The Shapiro–Wilk test of normality (pure function).

#include <span>

namespace greenbatch::stats {

/// W statistic and its p-value.
struct ShapiroWilk {
  double w = 0.0;  ///< W in (0, 1]; small values speak against normality
  double p = 0.0;  ///< p-value (exact for n = 3, Royston's normalising approximation otherwise)
};

/// Shapiro & Wilk (1965) test that `values` come from a normal distribution, computed with
/// Royston's algorithm AS R94 (Applied Statistics 44, 1995, 547–551; the algorithm behind R's
/// shapiro.test): approximate coefficients, W as a squared correlation, and the p-value from
/// Royston's normalising transformations (separately for 4 ≤ n ≤ 11 and n ≥ 12). Valid for
/// 3 ≤ n ≤ 5000 finite values that are not all equal (InputError otherwise).
ShapiroWilk shapiro_wilk(std::span<const double> values);

}  // namespace greenbatch::stats
