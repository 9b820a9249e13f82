// Holm's step-down p-value adjustment.
#include "greenbatch/stats/multiple_comparisons.h"

#include <algorithm>
#include <numeric>

#include "greenbatch/core/error.h"

namespace greenbatch::stats {

std::vector<double> holm_adjust(std::span<const double> p) {
  if (!std::all_of(p.begin(), p.end(), [](double v) { return v >= 0.0 && v <= 1.0; })) {
    throw InputError("Holm's adjustment needs p-values between 0 and 1");
  }
  std::vector<std::size_t> order(p.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  std::vector<double> adjusted(p.size());
  double running_max = 0.0;
  for (std::size_t rank = 0; rank < order.size(); ++rank) {
    const double scaled = std::min(1.0, static_cast<double>(p.size() - rank) * p[order[rank]]);
    running_max = std::max(running_max, scaled);
    adjusted[order[rank]] = running_max;
  }
  return adjusted;
}

}  // namespace greenbatch::stats
