// Welch's t test with Welch–Satterthwaite degrees of freedom.
#include "greenbatch/stats/welch.h"

#include <boost/math/distributions/students_t.hpp>

#include <cmath>

#include "greenbatch/core/error.h"
#include "greenbatch/stats/descriptives.h"
#include "greenbatch/stats/quantile.h"

namespace greenbatch::stats {

WelchT welch_t_test(std::span<const double> x, std::span<const double> y) {
  const double vx = sample_variance(x) / static_cast<double>(x.size());
  const double vy = sample_variance(y) / static_cast<double>(y.size());
  if (vx + vy == 0.0) throw InputError("Welch's t test needs at least one sample whose values vary");
  const double t = (mean(x) - mean(y)) / std::sqrt(vx + vy);
  const double df = (vx + vy) * (vx + vy) /
                    (vx * vx / static_cast<double>(x.size() - 1) + vy * vy / static_cast<double>(y.size() - 1));
  const double p = 2.0 * boost::math::cdf(boost::math::complement(boost::math::students_t(df), std::abs(t)));
  return WelchT{t, df, p};
}

}  // namespace greenbatch::stats
