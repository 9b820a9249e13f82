// Least-squares line and log-linear growth fits.
#include "greenbatch/stats/regression.h"

#include <cmath>
#include <vector>

#include "greenbatch/core/error.h"

namespace greenbatch::stats {

LineFit fit_line(std::span<const double> x, std::span<const double> y) {
  if (x.size() != y.size() || x.size() < 2) throw InputError("a line fit needs at least two (x, y) points");
  const auto n = static_cast<double>(x.size());
  double mx = 0.0, my = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    mx += x[i] / n;
    my += y[i] / n;
  }
  double sxx = 0.0, sxy = 0.0, syy = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxx += (x[i] - mx) * (x[i] - mx);
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) * (y[i] - my);
  }
  if (sxx == 0.0) throw InputError("a line fit needs at least two distinct x values");
  const double slope = sxy / sxx;
  return LineFit{my - slope * mx, slope, syy == 0.0 ? 1.0 : (sxy * sxy) / (sxx * syy)};
}

GrowthFit fit_growth(std::span<const double> x, std::span<const double> y) {
  std::vector<double> log_y;
  for (const double v : y) {
    if (!(v > 0.0)) throw InputError("a log-linear fit needs positive values");
    log_y.push_back(std::log(v));
  }
  const auto fit = fit_line(x, log_y);
  return GrowthFit{fit, std::expm1(fit.slope)};
}

}  // namespace greenbatch::stats
