#pragma once
/// Rank correlation between two paired samples (pure function).

#include <span>

namespace greenbatch::stats {

/// Spearman's rank correlation with its p-value.
struct Spearman {
  double rho = 0.0;  ///< Pearson correlation of the mid-ranks, in [−1, 1]
  double p = 0.0;    ///< two-sided p-value of the t approximation
};

/// Spearman's (1904) ρ as the Pearson correlation of the average ranks of `x` and of `y` (ties
/// share mid-ranks), with the two-sided p-value of t = ρ·√((n − 2)/(1 − ρ²)) under Student's t with
/// n − 2 degrees of freedom (the large-sample test of e.g. Zar, Biostatistical Analysis; R's
/// cor.test uses it whenever it cannot use the exact distribution, e.g. with ties). Needs paired
/// samples of the same length n ≥ 3, finite, neither constant (InputError otherwise).
Spearman spearman(std::span<const double> x, std::span<const double> y);

}  // namespace greenbatch::stats
