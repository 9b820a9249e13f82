// The Markdown summary of the report.
#include <fmt/format.h>

#include <sstream>

#include "report_documents.h"

namespace greenbatch::report {

std::string cell_text(const std::optional<Estimate>& e) {
  if (!e) return "–";
  if (e->n < 2) return fmt::format("{:.4g}", e->mean);
  return fmt::format("{:.4g} [{:.4g}, {:.4g}]", e->mean, e->low, e->high);
}

std::string percent_text(std::optional<double> relative) {
  return relative ? fmt::format("{:+.1f} %", *relative * 100.0) : "–";
}

std::string validation_sentence(const Validation& v) {
  std::size_t within = 0;
  for (const auto& r : v.rows) within += r.within ? 1 : 0;
  return fmt::format("Simulated against live: {} of {} trials agree within {:.0f} % on mean and p95 response time "
                     "and energy per request{}.",
                     within, v.rows.size(), kValidationTolerance * 100.0,
                     v.skipped.empty() ? "" : fmt::format("; {} trials could not be simulated", v.skipped.size()));
}

std::string markdown_report(const ReportContent& content) {
  const auto& a = *content.analysis;
  std::ostringstream m;
  m << "# " << content.title << "\n\n" << a.trials << " trials from `" << content.database << "`, generated "
    << content.generated_at << "; " << a.failed << " with a problem status left out. Energy sources: "
    << fmt::format("{}", fmt::join(a.sources, ", ")) << ".\n\n";
  for (const auto& source : a.sources) {
    if (source.find("estimate") != std::string::npos) {
      m << "> **" << source << "**: an ESTIMATE from a power model, not a measurement.\n\n";
    }
  }
  m << "## Best policy per model and arrival rate\n\n| model | arrival | least energy per request | finding |\n|---|---|---|---|\n";
  for (const auto& g : a.groups) {
    m << "| " << g.model << " | " << g.arrival << " | " << g.best.value_or("–") << " | " << g.best_sentence << " |\n";
  }
  for (const auto& g : a.groups) {
    m << "\n## " << g.model << ", " << g.arrival << "\n\n| policy | energy / request (J) | dynamic (J) | p50 (ms) | p95 (ms) | max (ms) |\n|---|---|---|---|---|---|\n";
    for (const auto& c : g.cells) {
      m << "| " << c.policy << " | " << cell_text(c.energy) << " | " << cell_text(c.dynamic_energy) << " | "
        << cell_text(c.p50) << " | " << cell_text(c.p95) << " | " << cell_text(c.max) << " |\n";
    }
    m << "\n";
    for (const auto& e : g.effects) m << "- " << e.sentence << "\n";
  }
  if (content.validation != nullptr) {
    const auto& v = *content.validation;
    m << "\n## Simulator validation\n\n" << validation_sentence(v)
      << "\n\n| model | policy | arrival | mean (live → sim) | p95 (live → sim) | energy / request (live → sim) | "
         "within | why not |\n|---|---|---|---|---|---|---|---|\n";
    for (const auto& r : v.rows) {
      m << fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", r.model, r.policy, r.arrival,
                       percent_text(relative_error(r.live_mean_ms, r.sim_mean_ms)),
                       percent_text(relative_error(r.live_p95_ms, r.sim_p95_ms)),
                       percent_text(relative_error(r.live_energy_j, r.sim_energy_j)), r.within ? "yes" : "no",
                       r.reasons);
    }
    for (const auto& s : v.skipped) m << "\n- not simulated: " << s;
    m << "\n";
  }
  m << "\n## Figures\n\n";
  for (const auto& f : content.figures) m << "- [" << f.caption << "](" << f.name << ".svg) ([PNG](" << f.name << ".png))\n";
  m << "\nThe full report with every table and figure: `report.html`.\n";
  return m.str();
}

}  // namespace greenbatch::report
