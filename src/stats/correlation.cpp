// Spearman's rank correlation with a t-approximation p-value.
#include "greenbatch/stats/correlation.h"

#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <vector>

#include "checks.h"
#include "greenbatch/core/error.h"
#include "greenbatch/stats/quantile.h"
#include "greenbatch/stats/ranks.h"

namespace greenbatch::stats {

Spearman spearman(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size()) throw InputError("Spearman's rho needs paired samples of the same length");
  detail::require_sample(x, 3, "Spearman's rho");
  detail::require_sample(y, 3, "Spearman's rho");
  const std::vector<double> rx = average_ranks(x), ry = average_ranks(y);
  const double mx = mean(rx), my = mean(ry);
  double sxx = 0.0, syy = 0.0, sxy = 0.0;
  for (std::size_t i = 0; i < rx.size(); ++i) {
    sxx += (rx[i] - mx) * (rx[i] - mx);
    syy += (ry[i] - my) * (ry[i] - my);
    sxy += (rx[i] - mx) * (ry[i] - my);
  }
  if (sxx == 0.0 || syy == 0.0) throw InputError("Spearman's rho needs two samples that each vary");
  const double rho = sxy / std::sqrt(sxx * syy);
  const double df = static_cast<double>(x.size() - 2);
  if (std::abs(rho) >= 1.0) return Spearman{rho, 0.0};
  const double t = rho * std::sqrt(df / (1.0 - rho * rho));
  const double p = 2.0 * boost::math::cdf(boost::math::complement(boost::math::students_t(df), std::abs(t)));
  return Spearman{rho, p};
}

}  // namespace greenbatch::stats
