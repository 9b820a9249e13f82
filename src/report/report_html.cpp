// The self-contained HTML report.
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "report_documents.h"

namespace greenbatch::report {
namespace {

std::string escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// An SVG file's <svg> element, without the XML prolog and doctype gnuplot writes before it.
std::string inline_svg(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  const std::string svg = text.str();
  const auto start = svg.find("<svg");
  return start == std::string::npos ? std::string() : svg.substr(start);
}

constexpr const char* kStyle = R"(body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right}
th{background:#f2f2f2}td:first-child,th:first-child{text-align:left}figure{margin:1.5em 0}
figure svg{max-width:100%;height:auto}.estimate{background:#fff3cd;border:1px solid #e0c46c;padding:.6em}
.finding{margin:.3em 0})";

// Counts the figures the browser actually drew (each SVG has a non-empty box) into data attributes,
// so an automated check can read them from the DOM.
constexpr const char* kCheck = R"(<script>
window.addEventListener('load', function () {
  var svgs = document.querySelectorAll('figure svg');
  var drawn = 0;
  svgs.forEach(function (s) { var b = s.getBBox(); if (b.width > 0 && b.height > 0) drawn++; });
  document.body.setAttribute('data-figures', String(svgs.length));
  document.body.setAttribute('data-figures-drawn', String(drawn));
});
</script>)";

void group_html(std::ostringstream& h, const Group& g) {
  h << "<h3>" << escape(g.model) << ", " << escape(g.arrival) << "</h3>\n";
  h << "<table><tr><th>policy</th><th>n</th><th>energy / request (J)</th><th>dynamic (J)</th><th>p50 (ms)</th>"
       "<th>p95 (ms)</th><th>max (ms)</th></tr>\n";
  for (const auto& c : g.cells) {
    h << "<tr><td>" << escape(c.policy) << "</td><td>" << (c.energy ? c.energy->n : c.p95 ? c.p95->n : 0) << "</td><td>"
      << cell_text(c.energy) << "</td><td>" << cell_text(c.dynamic_energy) << "</td><td>" << cell_text(c.p50)
      << "</td><td>" << cell_text(c.p95) << "</td><td>" << cell_text(c.max) << "</td></tr>\n";
  }
  h << "</table>\n";
  for (const auto& e : g.effects) {
    h << "<p class=\"finding\">" << escape(e.sentence) << "</p>\n";
    if (e.pairs.empty()) continue;
    h << "<table><tr><th>" << escape(e.metric) << ": pair</th><th>Dunn z</th><th>Holm p</th><th>Cliff's δ</th>"
      << "<th>magnitude</th></tr>\n";
    for (const auto& p : e.pairs) {
      h << fmt::format("<tr><td>{} vs {}</td><td>{:.2f}</td><td>{:.3g}</td><td>{:+.2f}</td><td>{}</td></tr>\n",
                       escape(p.a), escape(p.b), p.z, p.p_holm, p.cliffs_delta, p.magnitude);
    }
    h << "</table>\n";
  }
  if (!g.best_sentence.empty()) h << "<p class=\"finding\"><strong>" << escape(g.best_sentence) << "</strong></p>\n";
}

}  // namespace

std::string html_report(const ReportContent& content, const std::filesystem::path& dir) {
  const auto& a = *content.analysis;
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << escape(content.title)
    << "</title>\n<style>" << kStyle << "</style></head>\n<body>\n";
  h << "<h1>" << escape(content.title) << "</h1>\n<p>" << a.trials << " trials from " << escape(content.database)
    << ", generated " << escape(content.generated_at) << ". " << a.failed
    << " trials with a problem status are left out of the statistics.</p>\n";
  for (const auto& source : a.sources) {
    if (source.find("estimate") != std::string::npos) {
      h << "<p class=\"estimate\">Energy source <strong>" << escape(source)
        << "</strong>: these figures are an ESTIMATE from a power model (no energy counter was available), "
           "not a measurement.</p>\n";
    }
  }
  h << "<h2>Best policy per model and arrival rate</h2>\n<table><tr><th>model</th><th>arrival</th><th>least energy "
       "per request</th><th>finding</th></tr>\n";
  for (const auto& g : a.groups) {
    h << "<tr><td>" << escape(g.model) << "</td><td>" << escape(g.arrival) << "</td><td>" << escape(g.best.value_or("–"))
      << "</td><td style=\"text-align:left\">" << escape(g.best_sentence) << "</td></tr>\n";
  }
  h << "</table>\n<h2>Per model and arrival process</h2>\n";
  for (const auto& g : a.groups) group_html(h, g);
  if (content.validation != nullptr) {
    const auto& v = *content.validation;
    h << "<h2>Simulator validation</h2>\n<p>" << escape(validation_sentence(v))
      << " Each trial was simulated with the same policy, arrival process and seed, length and queue bound, from "
         "the profile; the columns give (simulated − live) / live.</p>\n<table><tr><th>model</th><th>policy</th>"
         "<th>arrival</th><th>mean response</th><th>p95 response</th><th>energy / request</th><th>within</th>"
         "<th>why not</th></tr>\n";
    for (const auto& r : v.rows) {
      h << "<tr><td>" << escape(r.model) << "</td><td>" << escape(r.policy) << "</td><td>" << escape(r.arrival)
        << "</td><td>" << percent_text(relative_error(r.live_mean_ms, r.sim_mean_ms)) << "</td><td>"
        << percent_text(relative_error(r.live_p95_ms, r.sim_p95_ms)) << "</td><td>"
        << percent_text(relative_error(r.live_energy_j, r.sim_energy_j)) << "</td><td>" << (r.within ? "yes" : "no")
        << "</td><td style=\"text-align:left\">" << escape(r.reasons) << "</td></tr>\n";
    }
    h << "</table>\n";
    for (const auto& s : v.skipped) h << "<p>Not simulated: " << escape(s) << "</p>\n";
  }
  h << "<h2>Figures</h2>\n";
  for (const auto& f : content.figures) {
    h << "<figure id=\"" << escape(f.name) << "\">" << inline_svg(dir / (f.name + ".svg")) << "<figcaption>"
      << escape(f.caption) << " (also <a href=\"" << escape(f.name) << ".png\">PNG</a>)</figcaption></figure>\n";
  }
  h << kCheck << "\n</body></html>\n";
  return h.str();
}

}  // namespace greenbatch::report
