// Cliff's delta with its magnitude label.
#include "greenbatch/stats/effect_sizes.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "checks.h"
#include "greenbatch/core/error.h"

namespace greenbatch::stats {

std::string_view to_string(Magnitude magnitude) {
  switch (magnitude) {
    case Magnitude::negligible:
      return "negligible";
    case Magnitude::small:
      return "small";
    case Magnitude::medium:
      return "medium";
    case Magnitude::large:
      return "large";
  }
  return "unknown";
}

Magnitude cliffs_delta_magnitude(double delta) {
  const double size = std::abs(delta);
  if (size < 0.147) return Magnitude::negligible;
  if (size < 0.33) return Magnitude::small;
  if (size < 0.474) return Magnitude::medium;
  return Magnitude::large;
}

CliffsDelta cliffs_delta(std::span<const double> x, std::span<const double> y) {
  detail::require_sample(x, 1, "Cliff's delta");
  detail::require_sample(y, 1, "Cliff's delta");
  std::vector<double> sorted_y(y.begin(), y.end());
  std::sort(sorted_y.begin(), sorted_y.end());
  double dominance = 0.0;  // #{x > y} − #{x < y}
  for (const double v : x) {
    const auto below = std::lower_bound(sorted_y.begin(), sorted_y.end(), v) - sorted_y.begin();
    const auto above = sorted_y.end() - std::upper_bound(sorted_y.begin(), sorted_y.end(), v);
    dominance += static_cast<double>(below - above);
  }
  const double delta = dominance / (static_cast<double>(x.size()) * static_cast<double>(y.size()));
  return CliffsDelta{delta, cliffs_delta_magnitude(delta)};
}

}  // namespace greenbatch::stats
