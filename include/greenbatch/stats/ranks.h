#pragma once
/// Mid-ranks and tie counts, the common ground of the rank tests and Spearman's rho.

#include <span>
#include <vector>

namespace greenbatch::stats {

/// Ranks 1..n of `values` in their original order; tied values share the average of the ranks
/// they span (mid-ranks, as in Conover 1999, Practical Nonparametric Statistics, §5.1).
std::vector<double> average_ranks(std::span<const double> values);

/// The tie term Σ(t³ − t) over each group of t equal values (0 when all values differ), used by the
/// tie corrections of Kruskal–Wallis, Dunn and Mann–Whitney.
double tie_term(std::span<const double> values);

}  // namespace greenbatch::stats
