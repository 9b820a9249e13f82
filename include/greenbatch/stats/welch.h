#pragma once
/// Welch's unequal-variances t test (pure function).

#include <span>

namespace greenbatch::stats {

/// Welch's t test result.
struct WelchT {
  double t = 0.0;   ///< (x̄ − ȳ) / √(s²ₓ/nₓ + s²ᵧ/nᵧ)
  double df = 0.0;  ///< Welch–Satterthwaite degrees of freedom
  double p = 0.0;   ///< two-sided p-value under Student's t with df degrees of freedom
};

/// Welch (1947, Biometrika 34, 28–35) test of equal means without assuming equal variances, with
/// Satterthwaite's (1946) df = (s²ₓ/nₓ + s²ᵧ/nᵧ)² / ((s²ₓ/nₓ)²/(nₓ − 1) + (s²ᵧ/nᵧ)²/(nᵧ − 1)) (as R's
/// t.test default). Each sample needs at least two finite values and at least one sample must vary
/// (InputError otherwise).
WelchT welch_t_test(std::span<const double> x, std::span<const double> y);

}  // namespace greenbatch::stats
