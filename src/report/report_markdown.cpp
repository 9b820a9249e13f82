// The Markdown summary of the report, and the wording both documents share.
#include <fmt/format.h>

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
  std::size_t within = 0;
  for (const auto& r : v.rows) within += r.within ? 1 : 0;
  return fmt::format(
      "Simulated against live: {} of {} trials agree within {:.0f} % on mean and p95 response time "
      "and energy per request{}.",
      within, v.rows.size(), sim::kValidationTolerance * 100.0,
      v.skipped.empty() ? "" : fmt::format("; {} trials could not be simulated", v.skipped.size()));
}

std::vector<HostRow> host_rows(const Analysis& a) {
  if (a.hosts.size() < 2) return {};
  std::map<std::tuple<std::string, std::string, std::string>, HostRow> rows;
  std::vector<std::tuple<std::string, std::string, std::string>> order;
  for (const auto& g : a.groups) {
    const auto host = std::ranges::find(a.hosts, g.host) - a.hosts.begin();
    for (const auto& c : g.cells) {
      const auto key = std::tuple{g.model, g.arrival, c.policy};
      auto [it, added] = rows.try_emplace(key, HostRow{g.model, g.arrival, c.policy, {}});
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

std::vector<std::string> conclusions(const Analysis& a) {
  std::vector<std::string> out;
  for (const auto& g : a.groups) {
    const auto on = g.host.empty() ? std::string() : " on " + g.host;
    for (const auto& e : g.batch_effects) out.push_back(e.sentence);
    if (!g.batch_sentence.empty()) out.push_back(g.batch_sentence);
    if (!g.best_sentence.empty()) out.push_back(fmt::format("{} at {}{}: {}", g.model, g.arrival, on, g.best_sentence));
    if (g.recommended) {
      out.push_back(fmt::format("{} at {}{}: recommended {} ({}).", g.model, g.arrival, on, *g.recommended,
                                g.recommended_reason));
    } else if (!g.recommended_reason.empty()) {
      out.push_back(fmt::format("{} at {}{}: no recommendation: {}.", g.model, g.arrival, on, g.recommended_reason));
    }
  }
  out.insert(out.end(), a.timeline.begin(), a.timeline.end());
  return out;
}

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
  for (const auto& c : conclusions(a)) m << "- " << c << "\n";
  m << "\n## Best policy per model and arrival rate\n\n| model | arrival |" << (hosts ? " host |" : "")
    << " least energy per request | recommended | finding |\n|---|---|" << (hosts ? "---|" : "") << "---|---|---|\n";
  for (const auto& g : a.groups) {
    m << "| " << g.model << " | " << g.arrival << " | " << (hosts ? g.host + " | " : "") << g.best.value_or("–")
      << " | " << g.recommended.value_or("–") << " | " << g.best_sentence << " |\n";
  }
  if (hosts) {
    m << "\n## Across hosts\n\n| host | CPU | device | backend | meters |\n|---|---|---|---|---|\n";
    for (const auto& h : a.machines) {
      m << "| " << h.host << " | " << h.cpu << " | " << h.device << " | " << h.backend << " | " << h.meters << " |\n";
    }
    m << "\nMean energy per request (J) and mean p95 response time (ms) of the same cell on each host.\n\n| model | "
         "arrival | policy |";
    for (const auto& h : a.hosts) m << " " << h << " energy (J) | " << h << " p95 (ms) |";
    m << "\n|---|---|---|";
    for (std::size_t i = 0; i < a.hosts.size(); ++i) m << "---|---|";
    m << "\n";
    for (const auto& r : host_rows(a)) {
      m << "| " << r.model << " | " << r.arrival << " | " << r.policy << " |";
      for (const auto* c : r.cells)
        m << " " << (c ? cell_text(c->energy) : "–") << " | " << (c ? cell_text(c->p95) : "–") << " |";
      m << "\n";
    }
    m << "\nBatching saving per host (least-energy policy against fixed:1):\n\n| model | arrival | host | saving |\n|---|---|---|---|\n";
    for (const auto& g : a.groups) {
      m << "| " << g.model << " | " << g.arrival << " | " << g.host << " | "
        << (g.saving ? fmt::format("{:.1f} % ({})", *g.saving * 100.0, *g.best) : std::string("–")) << " |\n";
    }
  }
  for (const auto& g : a.groups) {
    m << "\n## " << g.model << ", " << g.arrival << (hosts ? ", " + g.host : "")
      << "\n\n| policy | energy / request (J, " << g.energy_source
      << ") | dynamic (J) | p50 (ms) | p95 (ms) | max (ms) |\n|---|---|---|---|---|---|\n";
    for (const auto& c : g.cells) {
      m << "| " << c.policy << " | " << cell_text(c.energy) << " | " << cell_text(c.dynamic_energy) << " | "
        << cell_text(c.p50) << " | " << cell_text(c.p95) << " | " << cell_text(c.max) << " |\n";
    }
    m << "\n";
    for (const auto& e : g.effects) m << "- " << e.sentence << "\n";
  }
  if (content.validation != nullptr) {
    const auto& v = *content.validation;
    m << "\n## Simulator validation\n\n"
      << validation_sentence(v)
      << "\n\n| model | policy | arrival | mean (live → sim) | p95 (live → sim) | energy / request (live → sim) | "
         "within | why not |\n|---|---|---|---|---|---|---|---|\n";
    for (const auto& r : v.rows) {
      m << fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", r.model, r.policy, r.arrival,
                       percent_text(sim::relative_error(r.live_mean_ms, r.sim_mean_ms)),
                       percent_text(sim::relative_error(r.live_p95_ms, r.sim_p95_ms)),
                       percent_text(sim::relative_error(r.live_energy_j, r.sim_energy_j)), r.within ? "yes" : "no",
                       r.reasons);
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
