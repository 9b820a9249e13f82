#pragma once
/// Effect sizes of a difference between two samples, with their conventional magnitude labels
/// (pure functions).

#include <span>
#include <string_view>

namespace greenbatch::stats {

/// Verbal magnitude of an effect size.
enum class Magnitude { negligible, small, medium, large };

/// "negligible", "small", "medium" or "large".
std::string_view to_string(Magnitude magnitude);

/// Cliff's delta with its magnitude.
struct CliffsDelta {
  double delta = 0.0;                           ///< in [−1, 1]; positive when x tends to exceed y
  Magnitude magnitude = Magnitude::negligible;  ///< label of |delta| (cliffs_delta_magnitude)
};

/// Romano, Kromrey, Coraggio & Skowronek (2006, annual meeting of the Florida Association of
/// Institutional Research) thresholds for |δ|: < 0.147 negligible, < 0.33 small, < 0.474 medium,
/// otherwise large.
Magnitude cliffs_delta_magnitude(double delta);

/// Cliff's (1993, Psychological Bulletin 114, 494–509) δ = (#{xᵢ > yⱼ} − #{xᵢ < yⱼ}) / (nₓnᵧ);
/// ties count for neither. Each sample needs at least one finite value (InputError otherwise).
CliffsDelta cliffs_delta(std::span<const double> x, std::span<const double> y);

}  // namespace greenbatch::stats
