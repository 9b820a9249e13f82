// The Markdown summary of the report, and the wording both documents share.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <tuple>

#include "report_documents.h"

namespace greenbatch::report {

std::string cell_text(const std::optional<Estimate>& e) {
  if (!e) return "–";
  if (!e->low) return fmt::format("{:.4g} (n={})", e->mean, e->n);
  return fmt::format("{:.4g} [{:.4g}, {:.4g}] (n={})", e->mean, *e->low, *e->high, e->n);
}

std::string percent_text(std::optional<double> relative) {
  return relative ? fmt::format("{:+.1f} %", *relative * 100.0) : "–";
}

std::string validation_sentence(const sim::Validation& v) {
  std::size_t within = 0, replayed = 0, replay_within = 0;
  for (const auto& r : v.rows) {
    within += r.within ? 1 : 0;
    replayed += r.replay_mean_ms ? 1 : 0;
    replay_within += sim::within_tolerance(r.live_mean_ms, r.replay_mean_ms) &&
                             sim::within_tolerance(r.live_p95_ms, r.replay_p95_ms)
                         ? 1
                         : 0;
  }
  return fmt::format(
      "Simulated against live: {} of {} trials agree within {:.0f} % on mean and p95 response time "
      "and energy per request{}. Replayed with the live batches' own service times in place of the "
      "profile's (a check of the queueing model, not a prediction), {} of {} agree within {:.0f} % on "
      "mean and p95.",
      within, v.rows.size(), sim::kValidationTolerance * 100.0,
      v.skipped.empty() ? "" : fmt::format("; {} trials could not be simulated", v.skipped.size()), replay_within,
      replayed, sim::kValidationTolerance * 100.0);
}

std::vector<HostRow> host_rows(const Analysis& a) {
  if (a.hosts.size() < 2) return {};
  using Key = std::tuple<std::string, std::string, std::string, std::string>;  // model, arrival, knobs, policy
  std::map<Key, HostRow> rows;
  std::vector<Key> order;
  for (const auto& g : a.groups) {
    const auto host = std::ranges::find(a.hosts, g.host) - a.hosts.begin();
    for (const auto& c : g.cells) {
      const auto key = Key{g.model, g.arrival, g.knobs, c.policy};
      auto [it, added] = rows.try_emplace(key, HostRow{g.model, g.arrival, g.knobs, c.policy, {}});
      if (added) {
        it->second.cells.assign(a.hosts.size(), nullptr);
        order.push_back(key);
      }
      it->second.cells[static_cast<std::size_t>(host)] = &c;
    }
  }
  std::vector<HostRow> out;
  for (const auto& key : order) out.push_back(rows.at(key));
  return out;
}

std::vector<std::string> conclusions(const ReportContent& content) {
  const auto& a = *content.analysis;
  std::vector<std::string> out;
  for (const auto& g : a.groups) {
    const auto place = group_place(g) + (g.host.empty() ? std::string() : " on " + g.host);
    for (const auto& e : g.batch_effects) out.push_back(e.sentence);
    if (!g.batch_sentence.empty()) out.push_back(g.batch_sentence);
    if (!g.best_sentence.empty()) out.push_back(fmt::format("{}: {}", place, g.best_sentence));
    if (g.recommended) {
      out.push_back(fmt::format("{}: recommended {} ({}).", place, *g.recommended, g.recommended_reason));
    } else if (!g.recommended_reason.empty()) {
      out.push_back(fmt::format("{}: no recommendation: {}.", place, g.recommended_reason));
    }
  }
  if (content.knob_studies != nullptr) {
    for (const auto& s : *content.knob_studies) {
      out.push_back(s.host.empty() ? s.sentence : fmt::format("On {}, {}", s.host, s.sentence));
    }
  }
  out.insert(out.end(), a.timeline.begin(), a.timeline.end());
  return out;
}

std::string knobs_intro() {
  return "Trials that differ only in a knob (threads, precision, CPU frequency cap, GPU power limit or locked "
         "clocks) are grouped apart above. Here each knob that varies is compared across its levels like a "
         "policy: per policy, with the other knobs fixed, Kruskal–Wallis over the levels and, when p < 0.05, "
         "Dunn's pairs with Holm-adjusted p and Cliff's delta. Each knob's saving is the least-energy cell against "
         "the same cell with that knob at its default: threads the most common count (ties: the largest), "
         "precision fp32, power settings none (the machine's own).";
}

std::string saving_text(const KnobSaving& v) {
  if (!v.saving) return "– (not run at the default)";
  if (v.best == v.reference) return "0 % (at the default)";
  return fmt::format("{:.1f} %", 100.0 * *v.saving);
}

std::string comparison_title(const KnobComparison& c) {
  return fmt::format("{}, {}{}", to_string(c.knob), c.policy, c.fixed.empty() ? "" : " with " + c.fixed);
}

std::string study_title(const KnobStudy& s) {
  return fmt::format("{}, {}{}", s.model, s.arrival, s.host.empty() ? "" : ", " + s.host);
}

namespace {

void knobs_markdown(std::ostringstream& m, const ReportContent& content) {
  if (content.knob_studies == nullptr || content.knob_studies->empty()) return;
  m << "\n## Knobs\n\n" << knobs_intro() << "\n";
  for (const auto& s : *content.knob_studies) {
    m << "\n### " << study_title(s) << "\n\n"
      << s.sentence
      << "\n\n| knob | least-energy setting | default | saving | p (Kruskal–Wallis) |\n|---|---|---|---|---|\n";
    for (const auto& v : s.savings) {
      m << "| " << to_string(v.knob) << " | " << v.best.label() << " | " << v.reference.label() << " | "
        << saving_text(v) << " | " << (v.p ? fmt::format("{:.3g}", *v.p) : std::string("–")) << " |\n";
    }
    for (const auto& c : s.comparisons) {
      m << "\n#### " << comparison_title(c) << "\n\n| level | energy / request (J, " << s.energy_source
        << ") | p95 (ms) |\n|---|---|---|\n";
      for (const auto& l : c.levels) {
        m << "| " << l.level.label() << " | " << cell_text(l.cell.energy) << " | " << cell_text(l.cell.p95) << " |\n";
      }
      m << "\n- " << c.sentence << "\n";
      for (const auto& e : c.effects) {
        m << "- " << e.sentence << "\n";
        for (const auto& p : e.pairs) {
          m << fmt::format("  - {} vs {}: Dunn z = {:.2f}, Holm p = {:.3g}, Cliff's δ = {:+.2f} ({})\n", p.a, p.b, p.z,
                           p.p_holm, p.cliffs_delta, p.magnitude);
        }
      }
    }
  }
  if (content.knob_figures != nullptr && !content.knob_figures->empty()) {
    m << "\nFigures:\n\n";
    for (const auto& f : *content.knob_figures)
      m << "- [" << f.caption << "](" << f.name << ".svg) ([PNG](" << f.name << ".png))\n";
  }
}

}  // namespace

std::string markdown_report(const ReportContent& content) {
  const auto& a = *content.analysis;
  const bool hosts = a.hosts.size() > 1;
  std::ostringstream m;
  m << "# " << content.title << "\n\n"
    << a.trials << " trials from `" << content.database << "`, generated " << content.generated_at << "; " << a.failed
    << " with a problem status left out. Energy sources: " << fmt::format("{}", fmt::join(a.sources, ", ")) << "."
    << (a.hosts.size() == 1 && a.hosts[0].empty() ? "" : fmt::format(" Hosts: {}.", fmt::join(a.hosts, ", ")))
    << "\n\n";
  for (const auto& source : a.sources) {
    if (is_estimate(source)) m << "> **" << source << "**: an ESTIMATE from a power model, not a measurement.\n\n";
  }
  m << "Cells show the mean over repetitions, with a bootstrap 95 % CI in brackets only from "
    << kMinRepetitionsForInterval << " repetitions on (n = repetitions).\n\n## Conclusions\n\n";
  for (const auto& c : conclusions(content)) m << "- " << c << "\n";
  const bool knobs = std::ranges::any_of(a.groups, [](const Group& g) { return !g.knobs.empty(); });
  m << "\n## Best policy per model and arrival rate\n\n| model | arrival |" << (hosts ? " host |" : "")
    << (knobs ? " knobs |" : "") << " least energy per request | recommended | finding |\n|---|---|"
    << (hosts ? "---|" : "") << (knobs ? "---|" : "") << "---|---|---|\n";
  for (const auto& g : a.groups) {
    m << "| " << g.model << " | " << g.arrival << " | " << (hosts ? g.host + " | " : "")
      << (knobs ? g.knobs + " | " : "") << g.best.value_or("–") << " | " << g.recommended.value_or("–") << " | "
      << g.best_sentence << " |\n";
  }
  if (hosts) {
    m << "\n## Across hosts\n\n| host | CPU | device | backend | meters |\n|---|---|---|---|---|\n";
    for (const auto& h : a.machines) {
      m << "| " << h.host << " | " << h.cpu << " | " << h.device << " | " << h.backend << " | " << h.meters << " |\n";
    }
    m << "\nMean energy per request (J) and mean p95 response time (ms) of the same cell on each host.\n\n| model | "
         "arrival |"
      << (knobs ? " knobs |" : "") << " policy |";
    for (const auto& h : a.hosts) m << " " << h << " energy (J) | " << h << " p95 (ms) |";
    m << "\n|---|---|---|" << (knobs ? "---|" : "");
    for (std::size_t i = 0; i < a.hosts.size(); ++i) m << "---|---|";
    m << "\n";
    for (const auto& r : host_rows(a)) {
      m << "| " << r.model << " | " << r.arrival << " | " << (knobs ? r.knobs + " | " : "") << r.policy << " |";
      for (const auto* c : r.cells)
        m << " " << (c ? cell_text(c->energy) : "–") << " | " << (c ? cell_text(c->p95) : "–") << " |";
      m << "\n";
    }
    m << "\nBatching saving per host (least-energy policy against fixed:1):\n\n| model | arrival | host |"
      << (knobs ? " knobs |" : "") << " saving |\n|---|---|---|" << (knobs ? "---|" : "") << "---|\n";
    for (const auto& g : a.groups) {
      m << "| " << g.model << " | " << g.arrival << " | " << g.host << " | " << (knobs ? g.knobs + " | " : "")
        << (g.saving ? fmt::format("{:.1f} % ({})", *g.saving * 100.0, *g.best) : std::string("–")) << " |\n";
    }
  }
  for (const auto& g : a.groups) {
    m << "\n## " << g.model << ", " << g.arrival << (hosts ? ", " + g.host : "")
      << (g.knobs.empty() ? "" : ", " + g.knobs) << "\n\n| policy | energy / request (J, " << g.energy_source
      << ") | dynamic (J) | p50 (ms) | p95 (ms) | max (ms) |\n|---|---|---|---|---|---|\n";
    for (const auto& c : g.cells) {
      m << "| " << c.policy << " | " << cell_text(c.energy) << " | " << cell_text(c.dynamic_energy) << " | "
        << cell_text(c.p50) << " | " << cell_text(c.p95) << " | " << cell_text(c.max) << " |\n";
    }
    m << "\n";
    for (const auto& e : g.effects) m << "- " << e.sentence << "\n";
  }
  knobs_markdown(m, content);
  if (content.validation != nullptr) {
    const auto& v = *content.validation;
    m << "\n## Simulator validation\n\n"
      << validation_sentence(v)
      << "\n\n| model | policy | arrival | mean (live → sim) | p95 (live → sim) | energy / request (live → sim) | "
         "within | mean, p95 (live → replay) | why not |\n|---|---|---|---|---|---|---|---|---|\n";
    for (const auto& r : v.rows) {
      m << fmt::format("| {} | {} | {} | {} | {} | {} | {} | {}, {} | {} |\n", r.model, r.policy, r.arrival,
                       percent_text(sim::relative_error(r.live_mean_ms, r.sim_mean_ms)),
                       percent_text(sim::relative_error(r.live_p95_ms, r.sim_p95_ms)),
                       percent_text(sim::relative_error(r.live_energy_j, r.sim_energy_j)), r.within ? "yes" : "no",
                       percent_text(sim::relative_error(r.live_mean_ms, r.replay_mean_ms)),
                       percent_text(sim::relative_error(r.live_p95_ms, r.replay_p95_ms)), r.reasons);
    }
    for (const auto& s : v.skipped) m << "\n- not simulated: " << s;
    m << "\n";
  }
  m << "\n## Figures\n\n";
  if (content.figures != nullptr) {
    for (const auto& f : *content.figures)
      m << "- [" << f.caption << "](" << f.name << ".svg) ([PNG](" << f.name << ".png))\n";
  }
  m << "\nThe full report with every table and interactive figure: `report.html`; the data each figure plots: "
       "`figures.json`.\n";
  return m.str();
}

}  // namespace greenbatch::report
