#pragma once
/// Ordinary least-squares line fits (pure functions).

#include <span>

namespace greenbatch::stats {

/// y ≈ intercept + slope·x, with the coefficient of determination.
struct LineFit {
  double intercept = 0.0;  ///< value at x = 0
  double slope = 0.0;      ///< change of y per unit of x
  double r_squared = 0.0;  ///< share of the variance of y explained (1 when y is constant)
};

/// The least-squares line through (x, y). Needs at least two points and two distinct x values
/// (InputError otherwise).
LineFit fit_line(std::span<const double> x, std::span<const double> y);

/// A log-linear fit ln y ≈ a + b·x, read as growth: y grows by exp(b) − 1 per unit of x (all y
/// must be positive; InputError otherwise).
struct GrowthFit {
  LineFit log_fit;         ///< the fit of ln y
  double growth_per_unit;  ///< exp(slope) − 1, e.g. 0.25 = +25 % per year
};

/// Fits ln y on x and reports the growth rate per unit of x.
GrowthFit fit_growth(std::span<const double> x, std::span<const double> y);

}  // namespace greenbatch::stats
