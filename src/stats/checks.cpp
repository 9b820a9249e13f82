// Input checks shared by the statistics.
#include "checks.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "greenbatch/core/error.h"

namespace greenbatch::stats::detail {

void require_sample(std::span<const double> values, std::size_t minimum, std::string_view statistic) {
  if (values.size() < minimum) {
    throw InputError(
        fmt::format("{} needs at least {} observations per sample, got {}", statistic, minimum, values.size()));
  }
  if (!std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); })) {
    throw InputError(fmt::format("{} needs finite observations; drop NaN and infinite values first", statistic));
  }
}

}  // namespace greenbatch::stats::detail
