// The analysis behind the report: estimates with bootstrap CIs, Kruskal–Wallis with Dunn's
// post-hoc test and Cliff's delta, the least-energy and the recommended policy, the Pareto front.
#include "analysis.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "greenbatch/core/error.h"
#include "greenbatch/stats/bootstrap.h"
#include "greenbatch/stats/effect_sizes.h"
#include "greenbatch/stats/quantile.h"
#include "greenbatch/stats/rank_tests.h"
#include "timeline_finding.h"

namespace greenbatch::report {
namespace {

std::optional<Estimate> estimate(const std::vector<double>& values, std::uint64_t seed) {
  if (values.empty()) return std::nullopt;
  Estimate e{values.size(), stats::mean(values), std::nullopt, std::nullopt};
  if (values.size() < kMinRepetitionsForInterval) return e;
  const auto ci = stats::bootstrap_location(values, {2000, 0.95, seed}).mean;
  e.low = ci.lower;
  e.high = ci.upper;
  return e;
}

// The policies' values of one metric, named by policy.
std::vector<Sample> policy_samples(const std::vector<PolicyCell>& cells, std::vector<double> PolicyCell::*values) {
  std::vector<Sample> samples;
  for (const auto& c : cells) samples.push_back({c.policy, &(c.*values)});
  return samples;
}

// The least mean energy per request, and what it saves and costs against fixed:1 (no batching).
void pick_best(Group& g) {
  const PolicyCell* best = nullptr;
  for (const auto& c : g.cells) {
    if (c.energy && (best == nullptr || c.energy->mean < best->energy->mean)) best = &c;
  }
  if (best == nullptr) return;
  g.best = best->policy;
  const auto unbatched = std::ranges::find_if(g.cells, [](const PolicyCell& c) { return c.facts.fixed_batch == 1; });
  std::string comparison;
  if (unbatched != g.cells.end() && unbatched->energy && &*unbatched != best) {
    g.saving = 1.0 - best->energy->mean / unbatched->energy->mean;
    comparison = fmt::format(": {:.1f} % less energy per request than no batching (fixed:1)",
                             100.0 * (1.0 - best->energy->mean / unbatched->energy->mean));
    if (best->p95 && unbatched->p95) {
      comparison += fmt::format(", p95 response time {:.1f} ms instead of {:.1f} ms", best->p95->mean,
                                unbatched->p95->mean);
    }
  }
  g.best_sentence = fmt::format("{} uses the least energy per request ({:.4g} J){}.", best->policy, best->energy->mean,
                                comparison);
}

// The paper's question: which fixed batch size needs the least energy per request, and at what
// response time against batch size 1.
void batch_finding(Group& g) {
  const PolicyCell *least = nullptr, *one = nullptr;
  for (const auto& c : g.cells) {
    if (!c.facts.fixed_batch || !c.energy) continue;
    if (least == nullptr || c.energy->mean < least->energy->mean) least = &c;
    if (c.facts.fixed_batch == 1) one = &c;
  }
  if (least == nullptr) return;
  g.batch_sentence = fmt::format(
      "{}: batch size {} minimises energy per request ({:.4g} J, mean of {} "
      "repetition{})",
      group_place(g), *least->facts.fixed_batch, least->energy->mean, least->energy->n,
      least->energy->n == 1 ? "" : "s");
  if (one != nullptr && one != least) {
    g.batch_sentence += fmt::format(", {:.1f} % less than batch size 1 ({:.4g} J)",
                                    100.0 * (1.0 - least->energy->mean / one->energy->mean), one->energy->mean);
    if (least->p95 && one->p95) {
      g.batch_sentence += fmt::format("; its p95 response time is {:.1f} ms against {:.1f} ms", least->p95->mean,
                                      one->p95->mean);
    }
  }
  g.batch_sentence += ".";
}

// The least mean energy per request among policies whose mean p95 meets the SLO (every policy
// when there is no SLO), and the energy–p95 Pareto front of the policy means.
void recommend(Group& g) {
  const PolicyCell* pick = nullptr;
  std::vector<const PolicyCell*> measured;
  for (const auto& c : g.cells) {
    if (!c.energy || !c.p95) continue;
    measured.push_back(&c);
    if (g.slo_ms && c.p95->mean > *g.slo_ms) continue;
    if (pick == nullptr || c.energy->mean < pick->energy->mean) pick = &c;
  }
  std::ranges::sort(measured, [](const PolicyCell* a, const PolicyCell* b) {
    return std::tie(a->p95->mean, a->energy->mean) < std::tie(b->p95->mean, b->energy->mean);
  });
  double least = std::numeric_limits<double>::infinity();
  for (const auto* c : measured) {
    if (c->energy->mean < least) {
      least = c->energy->mean;
      g.pareto.push_back(c->policy);
    }
  }
  if (pick == nullptr) {
    if (g.slo_ms && !measured.empty()) {
      g.recommended_reason = fmt::format("no policy meets the SLO of {:g} ms on mean p95 response time", *g.slo_ms);
    }
    return;
  }
  g.recommended = pick->policy;
  g.recommended_reason = g.slo_ms ? fmt::format(
                                        "least energy per request with mean p95 response time within the SLO "
                                        "of {:g} ms",
                                        *g.slo_ms)
                                  : std::string("least energy per request; the study set no SLO");
}

// The trial's level of `knob` ("unrecorded" for a hand-made row that lacks it).
KnobLevel level_of(const TrialRow& r, Knob knob) {
  const auto it = std::ranges::find(r.knobs, knob, &KnobLevel::knob);
  return it != r.knobs.end() ? *it : KnobLevel{knob, "unrecorded", std::numeric_limits<double>::infinity()};
}

// The knobs set to more than one level among `trials`, in kKnobs order.
std::vector<Knob> varying_knobs(const std::vector<const TrialRow*>& trials) {
  std::vector<Knob> varying;
  for (const auto knob : kKnobs) {
    std::set<KnobLevel> levels;
    for (const auto* t : trials) levels.insert(level_of(*t, knob));
    if (levels.size() > 1) varying.push_back(knob);
  }
  return varying;
}

// Model, arrival, host and energy sources of a group.
struct Place {
  std::string model, arrival, host, sources;
};

// The group's estimates and tests from its trials at one setting of the varying knobs, by policy.
Group make_group(Place place, const std::vector<KnobLevel>& levels,
                 const std::map<std::string, std::vector<const TrialRow*>>& policies, std::uint64_t seed) {
  Group g;
  g.model = std::move(place.model);
  g.arrival = std::move(place.arrival);
  g.host = std::move(place.host);
  g.energy_source = std::move(place.sources);
  g.knob_levels = levels;
  std::vector<std::string> labels;
  for (const auto& l : levels) labels.push_back(l.label());
  g.knobs = fmt::format("{}", fmt::join(labels, ", "));
  for (const auto& [policy, trials] : policies) {
    PolicyCell c;
    c.policy = policy;
    c.facts = policy_facts(policy);
    std::vector<double> dynamic, p50, max, batch;
    for (const auto* t : trials) {
      if (t->energy_per_request_j) c.energy_values.push_back(*t->energy_per_request_j);
      if (t->dynamic_energy_per_request_j) dynamic.push_back(*t->dynamic_energy_per_request_j);
      if (t->response_p50_ms) p50.push_back(*t->response_p50_ms);
      if (t->response_p95_ms) c.p95_values.push_back(*t->response_p95_ms);
      if (t->response_max_ms) max.push_back(*t->response_max_ms);
      batch.push_back(t->mean_batch_size);
      if (!g.slo_ms && t->slo_ms) g.slo_ms = t->slo_ms;
      c.trials.push_back(*t);
    }
    std::ranges::sort(c.trials, {}, &TrialRow::repetition);
    c.energy = estimate(c.energy_values, seed);
    c.dynamic_energy = estimate(dynamic, seed);
    c.p50 = estimate(p50, seed);
    c.p95 = estimate(c.p95_values, seed);
    c.max = estimate(max, seed);
    c.batch_size = estimate(batch, seed);
    g.cells.push_back(std::move(c));
  }
  std::ranges::sort(g.cells, policy_before, &PolicyCell::policy);
  const auto where = group_place(g);
  for (const auto& [metric, values] : kComparedMetrics) {
    g.effects.push_back(
        factor_effect(metric, policy_samples(g.cells, values), where, "the batching policy", "policies"));
  }
  std::vector<PolicyCell> fixed;
  for (const auto& c : g.cells) {
    if (c.facts.fixed_batch) fixed.push_back(c);
  }
  if (fixed.size() >= 2) {
    const auto fixed_where = where + fmt::format(" (fixed batch sizes, {} of them)", fixed.size());
    for (const auto& [metric, values] : kComparedMetrics) {
      g.batch_effects.push_back(
          factor_effect(metric, policy_samples(fixed, values), fixed_where, "the batch size", "policies"));
    }
  }
  pick_best(g);
  batch_finding(g);
  recommend(g);
  return g;
}

}  // namespace

PolicyEffect factor_effect(const std::string& metric, const std::vector<Sample>& samples, const std::string& where,
                           const std::string& factor, const std::string& kind) {
  PolicyEffect e;
  e.metric = metric;
  std::vector<std::vector<double>> groups;
  std::vector<const Sample*> used;
  for (const auto& s : samples) {
    if (s.values->empty()) continue;
    groups.push_back(*s.values);
    used.push_back(&s);
  }
  std::size_t n = 0;
  for (const auto& g : groups) n += g.size();
  if (groups.size() < 2 || n <= groups.size()) {
    e.sentence = fmt::format(
        "{}: too few repetitions to test whether {} affects {} (need two or more "
        "{} and more trials than {}).",
        where, factor, metric, kind, kind);
    return e;
  }
  stats::KruskalWallis kw;
  try {
    kw = stats::kruskal_wallis(groups);
  } catch (const InputError& error) {
    e.sentence = fmt::format("{}: cannot test whether {} affects {}: {}.", where, factor, metric, error.what());
    return e;
  }
  e.h = kw.h;
  e.p = kw.p;
  e.df = kw.df;
  e.epsilon_squared = kw.epsilon_squared;
  e.significant = kw.p < 0.05;
  e.sentence = fmt::format("{}: {} {} {} (Kruskal–Wallis H = {:.2f}, df = {}, p = {:.3g}, ε² = {:.2f}).", where, factor,
                           e.significant ? "has a significant effect on" : "has no significant effect on", metric, kw.h,
                           e.df, kw.p, kw.epsilon_squared);
  if (!e.significant) return e;
  for (const auto& d : stats::dunn(groups)) {
    const auto delta = stats::cliffs_delta(groups[d.first], groups[d.second]);
    e.pairs.push_back(PairComparison{used[d.first]->name, used[d.second]->name, d.z, d.p_holm, delta.delta,
                                     std::string(stats::to_string(delta.magnitude))});
  }
  return e;
}

std::string group_place(const Group& g) {
  return fmt::format("{} at {}{}", g.model, g.arrival, g.knobs.empty() ? "" : " with " + g.knobs);
}

bool is_estimate(const std::string& source) { return source.find("estimate") != std::string::npos; }

Analysis analyse(const std::vector<TrialRow>& rows, std::uint64_t seed) {
  Analysis a;
  a.trials = rows.size();
  using Key = std::tuple<std::string, std::string, std::string>;  // model, arrival, host
  std::map<Key, std::vector<const TrialRow*>> bases;
  std::set<std::string> all_sources;
  for (const auto& r : rows) {
    if (r.status != trial::TrialStatus::ok) {
      ++a.failed;
      continue;
    }
    bases[Key{r.model, r.arrival, r.host}].push_back(&r);
    all_sources.insert(r.energy_source);
    if (std::ranges::find(a.hosts, r.host) == a.hosts.end()) {
      a.hosts.push_back(r.host);
      a.machines.push_back(r.machine);
    }
  }
  a.sources.assign(all_sources.begin(), all_sources.end());
  a.timeline = timeline_findings(rows);
  for (const auto& [key, trials] : bases) {
    const auto& [model, arrival, host] = key;
    const auto varying = varying_knobs(trials);
    std::map<std::vector<KnobLevel>, std::map<std::string, std::vector<const TrialRow*>>> split;
    std::map<std::vector<KnobLevel>, std::set<std::string>> sources;
    for (const auto* t : trials) {
      std::vector<KnobLevel> levels;
      for (const auto knob : varying) levels.push_back(level_of(*t, knob));
      split[levels][t->policy].push_back(t);
      sources[levels].insert(t->energy_source);
    }
    for (const auto& [levels, policies] : split) {
      a.groups.push_back(make_group({model, arrival, host, fmt::format("{}", fmt::join(sources[levels], ", "))}, levels,
                                    policies, seed));
    }
  }
  return a;
}

}  // namespace greenbatch::report
