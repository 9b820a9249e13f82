#pragma once
// Test helper: the mean of a correlated series (a simulation's output) and its standard error.

#include <cmath>
#include <utility>
#include <vector>

namespace greenbatch::testing {

/// Mean of `values` and its standard error by the method of batch means: the series is cut into
/// `batches` consecutive equal parts whose means are treated as independent.
inline std::pair<double, double> batch_means(const std::vector<double>& values, std::size_t batches) {
  const std::size_t per = values.size() / batches;
  std::vector<double> means(batches, 0.0);
  double total = 0.0;
  for (std::size_t b = 0; b < batches; ++b) {
    for (std::size_t i = b * per; i < (b + 1) * per; ++i) means[b] += values[i];
    means[b] /= static_cast<double>(per);
    total += means[b];
  }
  const double mean = total / static_cast<double>(batches);
  double ss = 0.0;
  for (const double m : means) ss += (m - mean) * (m - mean);
  return {mean, std::sqrt(ss / static_cast<double>(batches - 1) / static_cast<double>(batches))};
}

}  // namespace greenbatch::testing
