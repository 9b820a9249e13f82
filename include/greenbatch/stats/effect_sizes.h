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

/// Cohen's d with its magnitude.
struct CohensD {
  double d = 0.0;                               ///< (x̄ − ȳ) / pooled sd
  Magnitude magnitude = Magnitude::negligible;  ///< label of |d| (cohens_d_magnitude)
};

/// Cohen's (1988, Statistical Power Analysis for the Behavioral Sciences, 2nd ed., ch. 2)
/// conventions for |d|: < 0.2 negligible, < 0.5 small, < 0.8 medium, otherwise large.
Magnitude cohens_d_magnitude(double d);

/// Cohen's d = (x̄ − ȳ) / s with the pooled s = √(((nₓ − 1)s²ₓ + (nᵧ − 1)s²ᵧ) / (nₓ + nᵧ − 2)).
/// Each sample needs at least two finite values and the pooled sd must be positive (InputError
/// otherwise).
CohensD cohens_d(std::span<const double> x, std::span<const double> y);

}  // namespace greenbatch::stats
