// Order statistics.
#include "greenbatch/stats/quantile.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>

namespace greenbatch::stats {

double quantile_sorted(std::span<const double> sorted, double q) {
  assert(!sorted.empty() && q >= 0.0 && q <= 1.0);
  const double h = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const auto hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

double mean(std::span<const double> values) {
  assert(!values.empty());
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

Summary summarize(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return Summary{mean(values), quantile_sorted(values, 0.5), quantile_sorted(values, 0.95), values.front(),
                 values.back()};
}

}  // namespace greenbatch::stats
