#pragma once
/// Test helper: the scale of a run's scores, against which precision tolerances are set.

#include <algorithm>
#include <cmath>

#include "greenbatch/engine/backend.h"

namespace greenbatch::testing {

/// The largest |logit| over every image of `s`.
inline double largest_logit(const engine::Scores& s) {
  double m = 0.0;
  for (const float v : s.values) m = std::max(m, std::abs(static_cast<double>(v)));
  return m;
}

}  // namespace greenbatch::testing
