// Mid-ranks and the tie term.
#include "greenbatch/stats/ranks.h"

#include <algorithm>
#include <numeric>

namespace greenbatch::stats {

std::vector<double> average_ranks(std::span<const double> values) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<double> ranks(values.size());
  for (std::size_t start = 0; start < order.size();) {
    std::size_t end = start + 1;
    while (end < order.size() && values[order[end]] == values[order[start]]) ++end;
    // Positions start..end-1 hold ranks start+1..end; their average is (start + 1 + end) / 2.
    const double mid_rank = static_cast<double>(start + 1 + end) / 2.0;
    for (std::size_t i = start; i < end; ++i) ranks[order[i]] = mid_rank;
    start = end;
  }
  return ranks;
}

double tie_term(std::span<const double> values) {
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  double term = 0.0;
  for (std::size_t start = 0; start < sorted.size();) {
    std::size_t end = start + 1;
    while (end < sorted.size() && sorted[end] == sorted[start]) ++end;
    const auto t = static_cast<double>(end - start);
    term += t * t * t - t;
    start = end;
  }
  return term;
}

}  // namespace greenbatch::stats
