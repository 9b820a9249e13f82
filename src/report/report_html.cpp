// The self-contained HTML report: tables, findings and figures drawn in the page by Vega.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "greenbatch/core/error.h"
#include "report_documents.h"

namespace greenbatch::report {
namespace {

std::string escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Text placed inside a <script> element: "</script" would end it early; "<\/script" means the
// same inside JSON and JavaScript strings.
std::string script_safe(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if (text[i] == '<' && i + 7 < text.size() && text[i + 1] == '/' &&
        std::equal(text.begin() + static_cast<std::ptrdiff_t>(i) + 2, text.begin() + static_cast<std::ptrdiff_t>(i) + 8,
                   "script", [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; })) {
      out += '\\';
    }
  }
  return out;
}

std::string asset(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) {
    throw UnsupportedError(fmt::format("{} is missing; run `npm ci --prefix {}` (scripts/install-deps.sh does)",
                                       file.string(), file.parent_path().string()));
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

constexpr const char* kStyle = R"(body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}
th{background:#f2f2f2}td:first-child,th:first-child{text-align:left}figure{margin:2em 0}
table.sortable th{cursor:pointer}th[data-order=ascending]::after{content:" ▲"}th[data-order=descending]::after{content:" ▼"}
.estimate{background:#fff3cd;border:1px solid #e0c46c;padding:.6em}.finding{margin:.3em 0}
.toggles label{margin-right:1em;font-size:.9em}.chart svg{max-width:100%;height:auto}
#tooltip{position:absolute;display:none;background:#fff;border:1px solid #888;padding:.4em .6em;white-space:pre;
font-size:.85em;pointer-events:none;box-shadow:0 1px 4px rgba(0,0,0,.2)})";

std::string table_head(const std::vector<std::string>& headers) {
  std::string h = "<table class=\"sortable\"><thead><tr>";
  for (const auto& header : headers) h += "<th>" + escape(header) + "</th>";
  return h + "</tr></thead><tbody>\n";
}

std::string row(const std::vector<std::string>& cells) {
  std::string r = "<tr>";
  for (const auto& c : cells) r += "<td>" + escape(c) + "</td>";
  return r + "</tr>\n";
}

// Each test's sentence and, when significant, its pairwise comparisons.
void effects_html(std::ostringstream& h, const std::vector<PolicyEffect>& effects) {
  for (const auto& e : effects) {
    h << "<p class=\"finding\">" << escape(e.sentence) << "</p>\n";
    if (e.pairs.empty()) continue;
    h << table_head({e.metric + ": pair", "Dunn z", "Holm p", "Cliff's δ", "magnitude"});
    for (const auto& p : e.pairs) {
      h << row({p.a + " vs " + p.b, fmt::format("{:.2f}", p.z), fmt::format("{:.3g}", p.p_holm),
                fmt::format("{:+.2f}", p.cliffs_delta), p.magnitude});
    }
    h << "</tbody></table>\n";
  }
}

void group_html(std::ostringstream& h, const Group& g) {
  h << "<h3>" << escape(g.model) << ", " << escape(g.arrival) << (g.host.empty() ? "" : ", " + escape(g.host))
    << (g.knobs.empty() ? "" : ", " + escape(g.knobs)) << "</h3>\n";
  h << table_head({"policy", "energy / request (J, " + g.energy_source + ")", "dynamic (J)", "p50 (ms)", "p95 (ms)",
                   "max (ms)", "mean batch size"});
  for (const auto& c : g.cells) {
    h << row({c.policy, cell_text(c.energy), cell_text(c.dynamic_energy), cell_text(c.p50), cell_text(c.p95),
              cell_text(c.max), cell_text(c.batch_size)});
  }
  h << "</tbody></table>\n";
  for (const auto* effects : {&g.batch_effects, &g.effects}) effects_html(h, *effects);
}

void hosts_html(std::ostringstream& h, const Analysis& a) {
  const auto rows = host_rows(a);
  if (rows.empty()) return;
  h << "<h2>Across hosts</h2>\n" << table_head({"host", "CPU", "device", "backend", "meters"});
  for (const auto& m : a.machines) h << row({m.host, m.cpu, m.device, m.backend, m.meters});
  h << "</tbody></table>\n<p>The same cell on each host: mean energy per request and mean p95 response "
       "time.</p>\n";
  const bool knobs = std::ranges::any_of(rows, [](const HostRow& r) { return !r.knobs.empty(); });
  std::vector<std::string> headers{"model", "arrival", "policy"};
  if (knobs) headers.insert(headers.begin() + 2, "knobs");
  for (const auto& host : a.hosts) {
    headers.push_back(host + " energy (J)");
    headers.push_back(host + " p95 (ms)");
  }
  h << table_head(headers);
  for (const auto& r : rows) {
    std::vector<std::string> cells{r.model, r.arrival, r.policy};
    if (knobs) cells.insert(cells.begin() + 2, r.knobs);
    for (const auto* c : r.cells) {
      cells.push_back(c ? cell_text(c->energy) : "–");
      cells.push_back(c ? cell_text(c->p95) : "–");
    }
    h << row(cells);
  }
  h << "</tbody></table>\n<p>Batching saving per host (least-energy policy against fixed:1):</p>\n"
    << table_head(knobs ? std::vector<std::string>{"model", "arrival", "host", "knobs", "saving"}
                        : std::vector<std::string>{"model", "arrival", "host", "saving"});
  for (const auto& g : a.groups) {
    std::vector<std::string> cells{g.model, g.arrival, g.host,
                                   g.saving ? fmt::format("{:.1f} % ({})", *g.saving * 100.0, *g.best) : "–"};
    if (knobs) cells.insert(cells.begin() + 3, g.knobs);
    h << row(cells);
  }
  h << "</tbody></table>\n";
}

void figure_html(std::ostringstream& h, const Figure& f) {
  nlohmann::json series = nlohmann::json::object();
  for (const auto& [name, count] : f.series) series[name] = count;
  h << "<figure id=\"" << escape(f.name) << "\" data-figure=\"" << escape(f.name) << "\" data-points=\"" << f.points
    << "\" data-series=\"" << escape(series.dump()) << "\">\n<div class=\"toggles\">";
  if (f.series.size() > 1) {
    for (const auto& [name, count] : f.series) {
      h << "<label><input type=\"checkbox\" checked value=\"" << escape(name) << "\"> " << escape(name) << "</label>";
    }
  }
  h << "</div><div class=\"chart\"></div>\n<figcaption>" << escape(f.caption) << " Files: <a href=\"" << escape(f.name)
    << ".svg\">SVG</a>, <a href=\"" << escape(f.name) << ".png\">PNG</a>.</figcaption></figure>\n";
}

void knobs_html(std::ostringstream& h, const ReportContent& content) {
  if (content.knob_studies == nullptr || content.knob_studies->empty()) return;
  h << "<h2>Knobs</h2>\n<p>" << escape(knobs_intro()) << "</p>\n";
  for (const auto& s : *content.knob_studies) {
    h << "<h3>" << escape(study_title(s)) << "</h3>\n<p class=\"finding\">" << escape(s.sentence) << "</p>\n"
      << table_head({"knob", "least-energy setting", "default", "saving", "p (Kruskal–Wallis)"});
    for (const auto& v : s.savings) {
      h << row({std::string(to_string(v.knob)), v.best.label(), v.reference.label(), saving_text(v),
                v.p ? fmt::format("{:.3g}", *v.p) : std::string("–")});
    }
    h << "</tbody></table>\n";
    for (const auto& c : s.comparisons) {
      h << "<h4>" << escape(comparison_title(c)) << "</h4>\n"
        << table_head({"level", "energy / request (J, " + s.energy_source + ")", "p95 (ms)"});
      for (const auto& l : c.levels) h << row({l.level.label(), cell_text(l.cell.energy), cell_text(l.cell.p95)});
      h << "</tbody></table>\n<p class=\"finding\">" << escape(c.sentence) << "</p>\n";
      effects_html(h, c.effects);
    }
  }
  if (content.knob_figures != nullptr) {
    for (const auto& f : *content.knob_figures) figure_html(h, f);
  }
}

}  // namespace

std::string html_report(const ReportContent& content, const std::string& compiled_specs,
                        const std::filesystem::path& web_dir) {
  const auto& a = *content.analysis;
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << escape(content.title)
    << "</title>\n<style>" << kStyle << "</style>\n<script>"
    << script_safe(asset(web_dir / "node_modules/vega/build/vega.min.js"))
    << "</script></head>\n<body>\n<div id=\"tooltip\"></div>\n";
  h << "<h1>" << escape(content.title) << "</h1>\n<p>" << a.trials << " trials from " << escape(content.database)
    << ", generated " << escape(content.generated_at) << ". " << a.failed
    << " trials with a problem status are left out of the statistics. Hosts: "
    << escape(fmt::format("{}", fmt::join(a.hosts, ", "))) << ".</p>\n";
  for (const auto& source : a.sources) {
    if (is_estimate(source)) {
      h << "<p class=\"estimate\">Energy source <strong>" << escape(source)
        << "</strong>: these figures are an ESTIMATE from a power model (no energy counter was available), "
           "not a measurement. Every figure says so again.</p>\n";
    }
  }
  h << "<p>Table cells: mean over repetitions, with a bootstrap 95 % CI in brackets only from "
    << kMinRepetitionsForInterval << " repetitions on; n = repetitions. Click a column header to sort.</p>\n";
  h << "<h2>Conclusions</h2>\n<ul>\n";
  for (const auto& c : conclusions(content)) h << "<li>" << escape(c) << "</li>\n";
  const bool hosts = a.hosts.size() > 1;
  const bool knobs = std::ranges::any_of(a.groups, [](const Group& g) { return !g.knobs.empty(); });
  h << "</ul>\n<h2>Best policy per model and arrival rate</h2>\n";
  std::vector<std::string> best_headers{"model", "arrival", "least energy per request", "recommended", "finding"};
  if (knobs) best_headers.insert(best_headers.begin() + 2, "knobs");
  if (hosts) best_headers.insert(best_headers.begin() + 2, "host");
  h << table_head(best_headers);
  for (const auto& g : a.groups) {
    std::vector<std::string> cells{g.model, g.arrival, g.best.value_or("–"), g.recommended.value_or("–"),
                                   g.best_sentence};
    if (knobs) cells.insert(cells.begin() + 2, g.knobs);
    if (hosts) cells.insert(cells.begin() + 2, g.host);
    h << row(cells);
  }
  h << "</tbody></table>\n";
  hosts_html(h, a);
  h << "<h2>Per model and arrival process</h2>\n";
  for (const auto& g : a.groups) group_html(h, g);
  knobs_html(h, content);
  if (content.validation != nullptr) {
    const auto& v = *content.validation;
    h << "<h2>Simulator validation</h2>\n<p>" << escape(validation_sentence(v))
      << " Each trial was simulated with the same policy, arrival process and seed, length and queue bound, from "
         "the profile; the columns give (simulated − live) / live.</p>\n"
      << table_head({"model", "policy", "arrival", "mean response", "p95 response", "energy / request", "within",
                     "mean, p95 (replay)", "why not"});
    for (const auto& r : v.rows) {
      h << row({r.model, r.policy, r.arrival, percent_text(sim::relative_error(r.live_mean_ms, r.sim_mean_ms)),
                percent_text(sim::relative_error(r.live_p95_ms, r.sim_p95_ms)),
                percent_text(sim::relative_error(r.live_energy_j, r.sim_energy_j)), r.within ? "yes" : "no",
                percent_text(sim::relative_error(r.live_mean_ms, r.replay_mean_ms)) + ", " +
                    percent_text(sim::relative_error(r.live_p95_ms, r.replay_p95_ms)),
                r.reasons});
    }
    h << "</tbody></table>\n";
    for (const auto& s : v.skipped) h << "<p>Not simulated: " << escape(s) << "</p>\n";
  }
  h << "<h2>Figures</h2>\n<p>Hover a mark for its exact values; untick a series to hide it.</p>\n";
  for (const auto& f : *content.figures) figure_html(h, f);
  h << "<script type=\"application/json\" id=\"figure-specs\">" << script_safe(compiled_specs) << "</script>\n<script>"
    << script_safe(asset(web_dir / "report.js")) << "</script>\n</body></html>\n";
  return h.str();
}

}  // namespace greenbatch::report
