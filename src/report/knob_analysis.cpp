// Knobs compared like policies: per policy with the other knobs fixed, the levels' tests and the
// finding in words; per model, arrival and host, what each knob saves the least-energy cell.
#include "knob_analysis.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace greenbatch::report {
namespace {

// The groups' levels with the one at `index` left out: what a comparison of that knob holds fixed.
std::vector<KnobLevel> others(const std::vector<KnobLevel>& levels, std::size_t index) {
  std::vector<KnobLevel> out;
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (i != index) out.push_back(levels[i]);
  }
  return out;
}

std::string labels(const std::vector<KnobLevel>& levels) {
  std::vector<std::string> parts;
  for (const auto& l : levels) parts.push_back(l.label());
  return fmt::format("{}", fmt::join(parts, ", "));
}

// Whether `level` is its knob's own default rather than the nearest level run to it.
bool is_true_default(const KnobLevel& level) {
  switch (level.knob) {
    case Knob::threads:
      return true;  // the most common count is the default by definition
    case Knob::precision:
      return level.value == "fp32";
    default:
      return level.value == "none";
  }
}

std::string reference_text(const KnobLevel& level) {
  return is_true_default(level) ? "the default " + level.label()
                                : level.label() + " (nearest to the default among the levels run)";
}

std::string test_text(const PolicyEffect& e) {
  if (!e.p) return "no test: too few repetitions or identical values";
  return fmt::format("the difference in {} across the levels is {} (Kruskal–Wallis p = {:.3g})", e.metric,
                     e.significant ? "significant" : "not significant", *e.p);
}

// The least-energy level against the default one (or, when the default is the least, against the
// next one), with the test across all levels.
std::string comparison_sentence(const KnobComparison& c, const KnobLevel& reference, const std::string& where) {
  std::vector<const KnobLevelCell*> measured;
  for (const auto& l : c.levels) {
    if (l.cell.energy) measured.push_back(&l);
  }
  if (measured.size() < 2) return where + ": fewer than two levels have energy figures to compare.";
  std::ranges::stable_sort(measured, {}, [](const KnobLevelCell* l) { return l->cell.energy->mean; });
  const auto* best = measured[0];
  const auto at_default = std::ranges::find_if(measured, [&](const KnobLevelCell* l) { return l->level == reference; });
  const auto* other = at_default != measured.end() && *at_default != best ? *at_default : measured[1];
  const auto other_name = other->level == reference ? reference_text(other->level) : other->level.label();
  const double saving = 1.0 - best->cell.energy->mean / other->cell.energy->mean;
  std::string text = std::abs(saving) < 0.0005
                         ? fmt::format("{}: {} uses the same energy per request as {} ({:.4g} J)", where,
                                       best->level.label(), other_name, best->cell.energy->mean)
                         : fmt::format(
                               "{}: {} uses {:.1f} % less energy per request than {} ({:.4g} J against {:.4g} J", where,
                               best->level.label(), 100.0 * saving, other_name, best->cell.energy->mean,
                               other->cell.energy->mean);
  if (std::abs(saving) >= 0.0005) {
    if (best->cell.p95 && other->cell.p95) {
      text += fmt::format("; p95 response time {:.1f} ms against {:.1f} ms", best->cell.p95->mean,
                          other->cell.p95->mean);
    }
    text += ")";
  }
  return text + "; " + test_text(c.effects.front()) + ".";
}

KnobComparison compare(Knob knob, const std::string& policy, std::vector<KnobLevelCell> levels,
                       const std::vector<KnobLevel>& fixed, const KnobLevel& reference, const std::string& place) {
  KnobComparison c{knob, policy, labels(fixed), std::move(levels), {}, {}};
  std::ranges::sort(c.levels, {}, &KnobLevelCell::level);
  const auto where = fmt::format("{}, {}{}", place, policy, c.fixed.empty() ? "" : " with " + c.fixed);
  for (const auto& [metric, values] : kComparedMetrics) {
    std::vector<Sample> samples;
    for (const auto& l : c.levels) samples.push_back({l.level.label(), &(l.cell.*values)});
    c.effects.push_back(factor_effect(metric, samples, where, std::string(to_string(knob)), "levels"));
  }
  c.sentence = comparison_sentence(c, reference, where);
  return c;
}

const PolicyCell* cell_of(const std::vector<const Group*>& groups, const std::vector<KnobLevel>& levels,
                          const std::string& policy) {
  for (const auto* g : groups) {
    if (g->knob_levels != levels) continue;
    const auto it = std::ranges::find(g->cells, policy, &PolicyCell::policy);
    return it != g->cells.end() && it->energy ? &*it : nullptr;
  }
  return nullptr;
}

// The least-energy cell, and what each knob gives it against its default with the rest unchanged.
void savings(KnobStudy& s, const std::vector<const Group*>& groups, const std::vector<KnobLevel>& defaults) {
  const Group* winner_group = nullptr;
  const PolicyCell* winner = nullptr;
  for (const auto* g : groups) {
    for (const auto& c : g->cells) {
      if (c.energy && (winner == nullptr || c.energy->mean < winner->energy->mean)) {
        winner = &c;
        winner_group = g;
      }
    }
  }
  const auto place = fmt::format("{} at {}", s.model, s.arrival);
  if (winner == nullptr) {
    s.sentence = place + ": no energy figures, so no knob can be said to save energy.";
    return;
  }
  s.winner = winner->policy + " with " + winner_group->knobs;
  s.winner_energy = winner->energy->mean;
  for (std::size_t k = 0; k < s.knobs.size(); ++k) {
    KnobSaving saving{s.knobs[k], winner_group->knob_levels[k], defaults[k], std::nullopt, std::nullopt};
    auto at_default = winner_group->knob_levels;
    at_default[k] = defaults[k];
    if (saving.best == saving.reference) {
      saving.saving = 0.0;
    } else if (const auto* reference = cell_of(groups, at_default, winner->policy); reference != nullptr) {
      saving.saving = 1.0 - winner->energy->mean / reference->energy->mean;
    }
    const auto fixed = labels(others(winner_group->knob_levels, k));
    for (const auto& c : s.comparisons) {
      if (c.knob == s.knobs[k] && c.policy == winner->policy && c.fixed == fixed) saving.p = c.effects.front().p;
    }
    s.savings.push_back(saving);
  }
  std::ranges::stable_sort(s.savings, [](const KnobSaving& a, const KnobSaving& b) {
    return a.saving.value_or(-INFINITY) > b.saving.value_or(-INFINITY);
  });
  s.sentence = fmt::format("{}: the least energy per request is {} ({:.4g} J).", place, s.winner, *s.winner_energy);
  std::vector<std::string> parts;
  for (const auto& v : s.savings) {
    const auto knob = std::string(to_string(v.knob));
    if (!v.saving) {
      parts.push_back(fmt::format("{}: the same cell at {} was not run", knob, v.reference.label()));
    } else if (v.best == v.reference) {
      parts.push_back(fmt::format("{} is already at {}", knob, reference_text(v.reference)));
    } else {
      const auto test = v.p ? fmt::format("{} across its levels, Kruskal–Wallis p = {:.3g}",
                                          *v.p < 0.05 ? "significant" : "not significant", *v.p)
                            : std::string("untested: too few repetitions or identical values");
      parts.push_back(fmt::format("{} uses {:.1f} % {} energy per request than {} with the rest unchanged ({})",
                                  v.best.label(), 100.0 * std::abs(*v.saving), *v.saving >= 0 ? "less" : "more",
                                  reference_text(v.reference), test));
    }
  }
  const auto& top = s.savings.front();
  s.sentence += fmt::format(" {}: {}.",
                            top.saving && *top.saving > 0.0
                                ? fmt::format("{} saves the most", to_string(top.knob))
                                : std::string("No knob saves energy against its default here"),
                            fmt::join(parts, "; "));
}

KnobStudy study_of(const std::vector<const Group*>& groups) {
  const auto& first = *groups.front();
  KnobStudy s;
  s.model = first.model;
  s.arrival = first.arrival;
  s.host = first.host;
  std::vector<std::string> sources;
  for (const auto* g : groups) {
    if (std::ranges::find(sources, g->energy_source) == sources.end()) sources.push_back(g->energy_source);
  }
  s.energy_source = fmt::format("{}", fmt::join(sources, ", "));
  for (const auto& l : first.knob_levels) s.knobs.push_back(l.knob);
  std::vector<KnobLevel> defaults;
  for (std::size_t k = 0; k < s.knobs.size(); ++k) {
    std::map<KnobLevel, std::size_t> counts;
    for (const auto* g : groups) {
      for (const auto& c : g->cells) counts[g->knob_levels[k]] += c.trials.size();
    }
    defaults.push_back(default_level(s.knobs[k], counts));
  }
  const auto place = fmt::format("{} at {}", s.model, s.arrival);
  for (std::size_t k = 0; k < s.knobs.size(); ++k) {
    std::map<std::vector<KnobLevel>, std::map<std::string, std::vector<KnobLevelCell>>> parts;
    for (const auto* g : groups) {
      for (const auto& c : g->cells) parts[others(g->knob_levels, k)][c.policy].push_back({g->knob_levels[k], c});
    }
    for (auto& [fixed, policies] : parts) {
      std::vector<std::string> names;
      for (const auto& [policy, levels] : policies) {
        if (levels.size() > 1) names.push_back(policy);
      }
      std::ranges::sort(names, policy_before);
      for (const auto& policy : names) {
        s.comparisons.push_back(compare(s.knobs[k], policy, std::move(policies[policy]), fixed, defaults[k], place));
      }
    }
  }
  savings(s, groups, defaults);
  return s;
}

}  // namespace

KnobLevel default_level(Knob knob, const std::map<KnobLevel, std::size_t>& levels) {
  if (levels.empty()) return {knob, "none", INFINITY};
  switch (knob) {
    case Knob::threads: {
      auto best = levels.begin();
      for (auto it = levels.begin(); it != levels.end(); ++it) {
        if (it->second >= best->second) best = it;  // ascending: ties go to the larger count
      }
      return best->first;
    }
    case Knob::precision: {
      const auto fp32 = std::ranges::find_if(levels, [](const auto& l) { return l.first.value == "fp32"; });
      return fp32 != levels.end() ? fp32->first : levels.begin()->first;
    }
    default:
      return levels.rbegin()->first;  // "none" ranks above every number
  }
}

std::vector<KnobStudy> knob_studies(const Analysis& a) {
  std::vector<KnobStudy> out;
  const auto& groups = a.groups;
  for (std::size_t i = 0; i < groups.size();) {
    std::vector<const Group*> place{&groups[i]};
    std::size_t j = i + 1;
    while (j < groups.size() && groups[j].model == groups[i].model && groups[j].arrival == groups[i].arrival &&
           groups[j].host == groups[i].host) {
      place.push_back(&groups[j++]);
    }
    if (!groups[i].knob_levels.empty()) out.push_back(study_of(place));
    i = j;
  }
  return out;
}

}  // namespace greenbatch::report
