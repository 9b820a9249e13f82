// Kruskal–Wallis, Dunn's post-hoc comparisons and the Mann–Whitney U test.
#include "greenbatch/stats/rank_tests.h"

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>

#include "checks.h"
#include "greenbatch/core/error.h"
#include "greenbatch/stats/multiple_comparisons.h"
#include "greenbatch/stats/ranks.h"

namespace greenbatch::stats {
namespace {

// The pooled sample of k groups, ranked.
struct RankedGroups {
  double n = 0.0;                  // N, the pooled size
  double ties = 0.0;               // Σ(t³ − t) over the pooled sample
  std::vector<double> sizes;       // nᵢ
  std::vector<double> mean_ranks;  // R̄ᵢ
};

RankedGroups rank_groups(std::span<const std::vector<double>> groups, std::string_view statistic) {
  if (groups.size() < 2) throw InputError(std::string(statistic) + " needs at least two groups");
  std::vector<double> pooled;
  for (const auto& group : groups) {
    detail::require_sample(group, 1, statistic);
    pooled.insert(pooled.end(), group.begin(), group.end());
  }
  const auto ranks = average_ranks(pooled);
  RankedGroups ranked;
  ranked.n = static_cast<double>(pooled.size());
  ranked.ties = tie_term(pooled);
  if (ranked.ties == ranked.n * ranked.n * ranked.n - ranked.n) {
    throw InputError(std::string(statistic) + " needs observations that are not all equal");
  }
  std::size_t offset = 0;
  for (const auto& group : groups) {
    double rank_sum = 0.0;
    for (std::size_t i = 0; i < group.size(); ++i) rank_sum += ranks[offset + i];
    offset += group.size();
    ranked.sizes.push_back(static_cast<double>(group.size()));
    ranked.mean_ranks.push_back(rank_sum / static_cast<double>(group.size()));
  }
  return ranked;
}

double two_sided_normal_p(double z) {
  return 2.0 * boost::math::cdf(boost::math::complement(boost::math::normal(), std::abs(z)));
}

// P(U ≤ u) under H0 for samples of sizes m and n without ties: the number of m-subsets of the
// ranks 1..m+n whose U = rank sum − m(m + 1)/2 is at most u, over C(m + n, m). The counts are
// built as a 0/1 knapsack over the ranks (counts[k][s]: k ranks chosen, U-offset s).
double exact_u_cdf(std::size_t m, std::size_t n, std::size_t u) {
  const std::size_t max_u = m * n;
  std::vector<std::vector<double>> counts(m + 1, std::vector<double>(max_u + 1, 0.0));
  counts[0][0] = 1.0;
  for (std::size_t rank = 1; rank <= m + n; ++rank) {
    // Descending k reads row k − 1 before this rank is added to it.
    for (std::size_t k = std::min(rank, m); k >= 1; --k) {
      const std::size_t shift = rank - k;  // taking `rank` as the k-th smallest chosen rank
      for (std::size_t s = 0; s + shift <= max_u; ++s) counts[k][s + shift] += counts[k - 1][s];
    }
  }
  double total = 0.0, at_most = 0.0;
  for (std::size_t s = 0; s <= max_u; ++s) {
    total += counts[m][s];
    if (s <= u) at_most += counts[m][s];
  }
  return at_most / total;
}

}  // namespace

KruskalWallis kruskal_wallis(std::span<const std::vector<double>> groups) {
  const auto ranked = rank_groups(groups, "the Kruskal-Wallis test");
  const double n = ranked.n;
  double weighted = 0.0;  // Σ nᵢ R̄ᵢ² = Σ Rᵢ²/nᵢ
  for (std::size_t i = 0; i < ranked.sizes.size(); ++i) {
    weighted += ranked.sizes[i] * ranked.mean_ranks[i] * ranked.mean_ranks[i];
  }
  const double h_uncorrected = 12.0 / (n * (n + 1.0)) * weighted - 3.0 * (n + 1.0);
  const double h = h_uncorrected / (1.0 - ranked.ties / (n * n * n - n));
  const std::size_t df = groups.size() - 1;
  const double p = boost::math::cdf(boost::math::complement(boost::math::chi_squared(static_cast<double>(df)), h));
  return KruskalWallis{h, df, p, h / ((n * n - 1.0) / (n + 1.0))};
}

std::vector<DunnComparison> dunn(std::span<const std::vector<double>> groups) {
  const auto ranked = rank_groups(groups, "Dunn's test");
  const double n = ranked.n;
  const double variance = n * (n + 1.0) / 12.0 - ranked.ties / (12.0 * (n - 1.0));
  std::vector<DunnComparison> comparisons;
  std::vector<double> p_values;
  for (std::size_t i = 0; i < groups.size(); ++i) {
    for (std::size_t j = i + 1; j < groups.size(); ++j) {
      const double se = std::sqrt(variance * (1.0 / ranked.sizes[i] + 1.0 / ranked.sizes[j]));
      const double z = (ranked.mean_ranks[i] - ranked.mean_ranks[j]) / se;
      comparisons.push_back(DunnComparison{i, j, z, two_sided_normal_p(z), 0.0});
      p_values.push_back(comparisons.back().p);
    }
  }
  const auto adjusted = holm_adjust(p_values);
  for (std::size_t c = 0; c < comparisons.size(); ++c) comparisons[c].p_holm = adjusted[c];
  return comparisons;
}

MannWhitney mann_whitney(std::span<const double> x, std::span<const double> y, MannWhitneyMethod method) {
  detail::require_sample(x, 1, "the Mann-Whitney test");
  detail::require_sample(y, 1, "the Mann-Whitney test");
  std::vector<double> pooled(x.begin(), x.end());
  pooled.insert(pooled.end(), y.begin(), y.end());
  const auto ranks = average_ranks(pooled);
  const auto n1 = static_cast<double>(x.size());
  const auto n2 = static_cast<double>(y.size());
  const double n = n1 + n2;
  double rank_sum = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) rank_sum += ranks[i];
  const double u = rank_sum - n1 * (n1 + 1.0) / 2.0;
  const double ties = tie_term(pooled);
  if (ties == n * n * n - n) throw InputError("the Mann-Whitney test needs observations that are not all equal");

  const bool exact_possible = ties == 0.0 && x.size() < 50 && y.size() < 50;
  if (method == MannWhitneyMethod::exact && !exact_possible) {
    throw InputError(
        "the exact Mann-Whitney p-value needs untied observations and fewer than 50 per sample; "
        "use the normal approximation");
  }
  if (method == MannWhitneyMethod::exact || (method == MannWhitneyMethod::automatic && exact_possible)) {
    // The null distribution of U is symmetric about n₁n₂/2, so P(U ≥ u) = P(U ≤ n₁n₂ − u).
    const auto nearer_tail = static_cast<std::size_t>(std::min(u, n1 * n2 - u));
    const double tail = exact_u_cdf(x.size(), y.size(), nearer_tail);
    return MannWhitney{u, std::nullopt, std::min(1.0, 2.0 * tail), MannWhitneyMethod::exact};
  }
  const double shift = u - n1 * n2 / 2.0;
  const double sigma = std::sqrt(n1 * n2 / 12.0 * ((n + 1.0) - ties / (n * (n - 1.0))));
  const double correction = shift > 0.0 ? 0.5 : (shift < 0.0 ? -0.5 : 0.0);
  const double z = (shift - correction) / sigma;
  return MannWhitney{u, z, two_sided_normal_p(z), MannWhitneyMethod::normal};
}

}  // namespace greenbatch::stats
