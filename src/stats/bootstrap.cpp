// Percentile-bootstrap intervals of the mean and the median.
#include "greenbatch/stats/bootstrap.h"

#include <algorithm>
#include <cassert>
#include <numeric>
#include <vector>

#include "checks.h"
#include "greenbatch/core/error.h"
#include "greenbatch/stats/quantile.h"

namespace greenbatch::stats {
namespace {

// Median of `values`, reordering them (the mean of the two middle values when n is even).
double median_in_place(std::vector<double>& values) {
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  if (values.size() % 2 == 1) return *middle;
  return (*std::max_element(values.begin(), middle) + *middle) / 2.0;
}

Interval percentile_interval(std::vector<double>& statistics, double level) {
  std::sort(statistics.begin(), statistics.end());
  const double alpha = 1.0 - level;
  return Interval{quantile_sorted(statistics, alpha / 2.0), quantile_sorted(statistics, 1.0 - alpha / 2.0)};
}

}  // namespace

std::size_t uniform_index(std::mt19937_64& engine, std::size_t n) {
  assert(n >= 1);
  static_assert(std::mt19937_64::min() == 0 && std::mt19937_64::max() == ~std::uint64_t{0});
  const auto range = static_cast<std::uint64_t>(n);
  const std::uint64_t threshold = (~range + 1) % range;  // 2^64 mod n
  for (;;) {
    const std::uint64_t draw = engine();
    if (draw >= threshold) return static_cast<std::size_t>(draw % range);
  }
}

BootstrapIntervals bootstrap_location(std::span<const double> values, const BootstrapOptions& options) {
  detail::require_sample(values, 2, "a bootstrap interval");
  if (options.resamples < 1) throw InputError("a bootstrap interval needs at least one resample");
  if (!(options.level > 0.0 && options.level < 1.0)) {
    throw InputError("a bootstrap confidence level must lie strictly between 0 and 1 (e.g. 0.95)");
  }
  std::mt19937_64 engine(options.seed);
  std::vector<double> resample(values.size());
  std::vector<double> means, medians;
  means.reserve(options.resamples);
  medians.reserve(options.resamples);
  for (std::size_t b = 0; b < options.resamples; ++b) {
    for (double& v : resample) v = values[uniform_index(engine, values.size())];
    means.push_back(std::accumulate(resample.begin(), resample.end(), 0.0) / static_cast<double>(resample.size()));
    medians.push_back(median_in_place(resample));
  }
  return BootstrapIntervals{percentile_interval(means, options.level), percentile_interval(medians, options.level)};
}

}  // namespace greenbatch::stats
