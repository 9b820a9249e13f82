// Kruskal–Wallis and Dunn's post-hoc comparisons.
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

}  // namespace greenbatch::stats
