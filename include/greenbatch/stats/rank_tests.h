#pragma once
/// Rank tests of location: Kruskal–Wallis with Dunn's post-hoc comparisons for k groups, and the
/// Mann–Whitney U test for two (pure functions).

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace greenbatch::stats {

/// Kruskal–Wallis H test result with its effect size.
struct KruskalWallis {
  double h = 0.0;                ///< tie-corrected H
  std::size_t df = 0;            ///< degrees of freedom, k − 1
  double p = 0.0;                ///< upper-tail p-value of H under χ²(k − 1)
  double epsilon_squared = 0.0;  ///< ε² = H / ((N² − 1)/(N + 1)), in [0, 1]
};

/// Kruskal & Wallis (1952) test that k ≥ 2 groups share one location: H from mid-ranks of the
/// pooled sample, divided by 1 − Σ(t³ − t)/(N³ − N) for ties, referred to χ²(k − 1) (as R's
/// kruskal.test); effect size ε² of Tomczak & Tomczak (2014, Trends in Sport Sciences 21(1)).
/// Each group needs at least one finite value and the pooled values must not all be equal
/// (InputError otherwise).
KruskalWallis kruskal_wallis(std::span<const std::vector<double>> groups);

/// One of Dunn's pairwise comparisons.
struct DunnComparison {
  std::size_t first = 0;   ///< index of the first group
  std::size_t second = 0;  ///< index of the second group (first < second)
  double z = 0.0;          ///< (mean rank of first − mean rank of second) / its standard error
  double p = 0.0;          ///< two-sided p-value from the standard normal
  double p_holm = 0.0;     ///< p adjusted over all k(k − 1)/2 comparisons by Holm's method
};

/// Dunn's (1964, Technometrics 6, 241–252) post-hoc test for every pair of groups, in the order
/// (0,1), (0,2), …, (k−2,k−1): mean ranks of the pooled sample compared with the standard error
/// √((N(N + 1)/12 − Σ(t³ − t)/(12(N − 1)))·(1/nᵢ + 1/nⱼ)), which includes the tie correction.
/// Same input requirements as kruskal_wallis.
std::vector<DunnComparison> dunn(std::span<const std::vector<double>> groups);

}  // namespace greenbatch::stats
