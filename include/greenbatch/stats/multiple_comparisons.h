#pragma once
/// Adjustment of p-values for multiple comparisons (pure function).

#include <span>
#include <vector>

namespace greenbatch::stats {

/// Holm's (1979) step-down adjusted p-values, in the order of `p`: with p₍₁₎ ≤ … ≤ p₍ₘ₎,
/// p̃₍ᵢ₎ = max over j ≤ i of min(1, (m − j + 1)·p₍ⱼ₎) (as R's p.adjust(method = "holm")).
/// Every p must lie in [0, 1] (InputError otherwise).
std::vector<double> holm_adjust(std::span<const double> p);

}  // namespace greenbatch::stats
