// The k largest scores of a row.
#include "greenbatch/engine/top_k.h"

#include <algorithm>
#include <numeric>

namespace greenbatch::engine {

std::vector<int> top_k_indices(std::span<const float> row, int k) {
  std::vector<int> order(row.size());
  std::iota(order.begin(), order.end(), 0);
  const auto n = std::min<std::size_t>(static_cast<std::size_t>(std::max(k, 0)), row.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n), order.end(), [&](int a, int b) {
    const auto va = row[static_cast<std::size_t>(a)], vb = row[static_cast<std::size_t>(b)];
    return va > vb || (va == vb && a < b);
  });
  order.resize(n);
  return order;
}

}  // namespace greenbatch::engine
