#pragma once
/// Input checks shared by the stats sources (private to src/stats): each throws InputError naming
/// the statistic and what it needs.

#include <cstddef>
#include <span>
#include <string_view>

namespace greenbatch::stats::detail {

/// Throws InputError unless `values` holds at least `minimum` values, all finite.
void require_sample(std::span<const double> values, std::size_t minimum, std::string_view statistic);

}  // namespace greenbatch::stats::detail
