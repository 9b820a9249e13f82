// Descriptive statistics of one sample.
#include "greenbatch/stats/descriptives.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "checks.h"
#include "greenbatch/stats/quantile.h"

namespace greenbatch::stats {

double sample_variance(std::span<const double> values) {
  detail::require_sample(values, 2, "the sample variance");
  const double m = mean(values);
  double sum_squares = 0.0;
  for (const double v : values) sum_squares += (v - m) * (v - m);
  return sum_squares / static_cast<double>(values.size() - 1);
}

Descriptives describe(std::span<const double> values) {
  detail::require_sample(values, 2, "describe");
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  Descriptives d;
  d.n = sorted.size();
  d.mean = mean(sorted);
  d.sd = std::sqrt(sample_variance(sorted));
  d.median = quantile_sorted(sorted, 0.5);
  d.q1 = quantile_sorted(sorted, 0.25);
  d.q3 = quantile_sorted(sorted, 0.75);
  d.iqr = d.q3 - d.q1;
  d.min = sorted.front();
  d.max = sorted.back();
  return d;
}

}  // namespace greenbatch::stats
