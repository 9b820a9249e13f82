// The analysis behind the report: estimates with bootstrap CIs, Kruskal–Wallis with Dunn's
// post-hoc test and Cliff's delta, and the least-energy policy per model and arrival.
#include "analysis.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "greenbatch/batching/policy_spec.h"
#include "greenbatch/core/error.h"
#include "greenbatch/stats/bootstrap.h"
#include "greenbatch/stats/effect_sizes.h"
#include "greenbatch/stats/quantile.h"
#include "greenbatch/stats/rank_tests.h"

namespace greenbatch::report {
namespace {

std::optional<Estimate> estimate(const std::vector<double>& values, std::uint64_t seed) {
  if (values.empty()) return std::nullopt;
  Estimate e{values.size(), stats::mean(values), 0.0, 0.0};
  if (values.size() < 2) {
    e.low = e.high = e.mean;
    return e;
  }
  const auto ci = stats::bootstrap_location(values, {2000, 0.95, seed}).mean;
  e.low = ci.lower;
  e.high = ci.upper;
  return e;
}

// Kruskal–Wallis across policies on one metric; Dunn + Holm and Cliff's delta when significant.
PolicyEffect effect(const std::string& metric, const std::vector<PolicyCell>& cells,
                    std::vector<double> PolicyCell::*values, const std::string& where) {
  PolicyEffect e;
  e.metric = metric;
  std::vector<std::vector<double>> groups;
  std::vector<const PolicyCell*> used;
  for (const auto& c : cells) {
    if ((c.*values).empty()) continue;
    groups.push_back(c.*values);
    used.push_back(&c);
  }
  std::size_t n = 0;
  for (const auto& g : groups) n += g.size();
  if (groups.size() < 2 || n <= groups.size()) {
    e.sentence = fmt::format("{}: too few repetitions to test whether the policy affects {} (need two or more "
                             "policies and more trials than policies).",
                             where, metric);
    return e;
  }
  stats::KruskalWallis kw;
  try {
    kw = stats::kruskal_wallis(groups);
  } catch (const InputError& error) {
    e.sentence = fmt::format("{}: cannot test whether the policy affects {}: {}.", where, metric, error.what());
    return e;
  }
  e.h = kw.h;
  e.p = kw.p;
  e.df = kw.df;
  e.epsilon_squared = kw.epsilon_squared;
  e.significant = kw.p < 0.05;
  e.sentence = fmt::format("{}: the batching policy {} {} (Kruskal–Wallis H = {:.2f}, df = {}, p = {:.3g}, ε² = {:.2f}).",
                           where, e.significant ? "has a significant effect on" : "has no significant effect on",
                           metric, kw.h, e.df, kw.p, kw.epsilon_squared);
  if (!e.significant) return e;
  for (const auto& d : stats::dunn(groups)) {
    const auto delta = stats::cliffs_delta(groups[d.first], groups[d.second]);
    e.pairs.push_back(PairComparison{used[d.first]->policy, used[d.second]->policy, d.z, d.p_holm, delta.delta,
                                     std::string(stats::to_string(delta.magnitude))});
  }
  return e;
}

// The least mean energy per request, and what it saves and costs against fixed:1 (no batching).
void pick_best(Group& g) {
  const PolicyCell* best = nullptr;
  for (const auto& c : g.cells) {
    if (c.energy && (best == nullptr || c.energy->mean < best->energy->mean)) best = &c;
  }
  if (best == nullptr) return;
  g.best = best->policy;
  const auto unbatched = std::ranges::find_if(g.cells, [](const PolicyCell& c) { return batching::is_unbatched(c.policy); });
  std::string comparison;
  if (unbatched != g.cells.end() && unbatched->energy && &*unbatched != best) {
    comparison = fmt::format(": {:.1f} % less energy per request than no batching (fixed:1)",
                             100.0 * (1.0 - best->energy->mean / unbatched->energy->mean));
    if (best->p95 && unbatched->p95) {
      comparison += fmt::format(", p95 response time {:.1f} ms instead of {:.1f} ms", best->p95->mean, unbatched->p95->mean);
    }
  }
  g.best_sentence = fmt::format("{} uses the least energy per request ({:.4g} J){}.", best->policy, best->energy->mean,
                                comparison);
}

}  // namespace

Analysis analyse(const std::vector<TrialRow>& rows, std::uint64_t seed) {
  Analysis a;
  a.trials = rows.size();
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::vector<const TrialRow*>>> cells;
  std::map<std::pair<std::string, std::string>, std::set<std::string>> sources;
  std::set<std::string> all_sources;
  for (const auto& r : rows) {
    if (r.status != "ok") {
      ++a.failed;
      continue;
    }
    cells[{r.model, r.arrival}][r.policy].push_back(&r);
    sources[{r.model, r.arrival}].insert(r.energy_source);
    all_sources.insert(r.energy_source);
  }
  a.sources.assign(all_sources.begin(), all_sources.end());
  for (const auto& [key, policies] : cells) {
    Group g{key.first, key.second, fmt::format("{}", fmt::join(sources[key], ", ")), {}, {}, {}, {}};
    for (const auto& [policy, trials] : policies) {
      PolicyCell c;
      c.policy = policy;
      std::vector<double> dynamic, p50, max;
      for (const auto* t : trials) {
        if (t->energy_per_request_j) c.energy_values.push_back(*t->energy_per_request_j);
        if (t->dynamic_energy_per_request_j) dynamic.push_back(*t->dynamic_energy_per_request_j);
        if (t->response_p50_ms) p50.push_back(*t->response_p50_ms);
        if (t->response_p95_ms) c.p95_values.push_back(*t->response_p95_ms);
        if (t->response_max_ms) max.push_back(*t->response_max_ms);
      }
      c.energy = estimate(c.energy_values, seed);
      c.dynamic_energy = estimate(dynamic, seed);
      c.p50 = estimate(p50, seed);
      c.p95 = estimate(c.p95_values, seed);
      c.max = estimate(max, seed);
      g.cells.push_back(std::move(c));
    }
    std::ranges::sort(g.cells, policy_before, &PolicyCell::policy);
    const auto where = fmt::format("{} at {}", g.model, g.arrival);
    g.effects.push_back(effect("energy per request", g.cells, &PolicyCell::energy_values, where));
    g.effects.push_back(effect("p95 response time", g.cells, &PolicyCell::p95_values, where));
    pick_best(g);
    a.groups.push_back(std::move(g));
  }
  return a;
}

}  // namespace greenbatch::report
