// Writing the report: analysis, figures, tables, HTML and Markdown.
#include "greenbatch/report/report.h"

#include <algorithm>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "analysis.h"
#include "greenbatch/core/error.h"
#include "greenbatch/core/stamp.h"
#include "report_documents.h"
#include "report_figures.h"

namespace greenbatch::report {
namespace {

void write_file(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
  out.close();
  if (!out) throw Error(fmt::format("cannot write {} (disk full or no permission?)", file.string()));
}

// The trial whose power trace is drawn: the one asked for, or the first with a stored trace.
std::optional<std::pair<std::string, std::vector<store::TracePoint>>> chosen_trace(
    const store::ResultStore& store, const std::vector<TrialRow>& rows, const ReportOptions& options) {
  if (options.trace_trial) {
    const auto it = std::ranges::find(rows, *options.trace_trial, &TrialRow::trial_id);
    if (it == rows.end()) throw InputError(fmt::format("--trace-trial {}: no such trial in the report", *options.trace_trial));
    auto trace = store.power_trace(it->trial_id);
    if (trace.empty()) throw InputError(fmt::format("--trace-trial {}: its power trace was not kept", it->trial_id));
    return std::pair{fmt::format("{} {} {} (trial {})", it->model, it->policy, it->arrival, it->trial_id), std::move(trace)};
  }
  for (const auto& r : rows) {
    auto trace = store.power_trace(r.trial_id);
    if (trace.size() >= 2) {
      return std::pair{fmt::format("{} {} {} (trial {})", r.model, r.policy, r.arrival, r.trial_id), std::move(trace)};
    }
  }
  return std::nullopt;
}

}  // namespace

ReportFiles write_report(const store::ResultStore& store, const std::filesystem::path& dir, const ReportOptions& options) {
  const auto rows = trial_rows(store.read_table("trials", options.study_id));
  if (rows.empty()) throw InputError("there are no trials to report; run a study (or `greenbatch run --db`) first");
  const auto analysis = analyse(rows, options.seed);
  std::filesystem::create_directories(dir);

  std::vector<DrawnFigure> figures;
  std::map<std::string, std::vector<const Group*>> by_model;
  for (const auto& g : analysis.groups) by_model[g.model].push_back(&g);
  for (const auto& [model, groups] : by_model) {
    const auto f = energy_figure(groups);
    render(f, dir);
    figures.push_back({f.name, "Energy per request against the batching policy, " + model});
  }
  for (const auto& g : analysis.groups) {
    const auto f = latency_figure(g);
    render(f, dir);
    figures.push_back({f.name, "Response time (p50, p95, max) against the batching policy, " + g.model + ", " + g.arrival});
  }
  if (const auto trace = chosen_trace(store, rows, options)) {
    const auto f = power_figure(trace->first, trace->second);
    render(f, dir);
    figures.push_back({f.name, "Power trace of " + trace->first});
  }

  std::optional<Validation> validation;
  if (!options.profiles.empty()) {
    std::vector<profile::ProfileDocument> documents;
    for (const auto& file : options.profiles) documents.push_back(profile::load_profile_document(file));
    validation = validate(rows, documents);
    const auto f = validation_figure(*validation);
    render(f, dir);
    figures.push_back({f.name, "Simulated against live p95 response time (the line is perfect agreement)"});
  }
  const ReportContent content{"greenbatch report", utc_now_iso(), options.database, &analysis, figures,
                              validation ? &*validation : nullptr};
  ReportFiles files{dir / "report.html", dir / "report.md", figures.size()};
  write_file(files.html, html_report(content, dir));
  write_file(files.markdown, markdown_report(content));
  return files;
}

}  // namespace greenbatch::report
