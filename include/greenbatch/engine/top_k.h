#pragma once
/// The indices of a score row's largest values, shared by classify and the server's
/// classification output.

#include <span>
#include <vector>

namespace greenbatch::engine {

/// Indices of the min(k, row.size()) largest values of `row`, largest first (ties: lower index).
std::vector<int> top_k_indices(std::span<const float> row, int k);

}  // namespace greenbatch::engine
