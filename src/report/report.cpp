// Writing the report: analysis, figures, tables, HTML and Markdown.
#include "greenbatch/report/report.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "analysis.h"
#include "greenbatch/core/atomic_file.h"
#include "greenbatch/core/error.h"
#include "greenbatch/core/stamp.h"
#include "knob_analysis.h"
#include "report_documents.h"
#include "report_figures.h"

namespace greenbatch::report {
namespace {

// The trial whose power trace is drawn: the one asked for, or the first with a stored trace.
std::optional<PowerTrace> chosen_trace(const store::ResultStore& store, const std::vector<TrialRow>& rows,
                                       const ReportOptions& options) {
  const auto trace_of = [&store](const TrialRow& r) {
    return PowerTrace{fmt::format("{} {} {} (trial {})", r.model, r.policy, r.arrival, r.trial_id), r.energy_source,
                      store.power_trace(r.trial_id), store.trace_clock(r.trial_id), store.load_batches(r.trial_id)};
  };
  if (options.trace_trial) {
    const auto it = std::ranges::find(rows, *options.trace_trial, &TrialRow::trial_id);
    if (it == rows.end())
      throw InputError(fmt::format("--trace-trial {}: no such trial in the report", *options.trace_trial));
    auto trace = trace_of(*it);
    if (trace.samples.empty())
      throw InputError(fmt::format("--trace-trial {}: its power trace was not kept", it->trial_id));
    return trace;
  }
  for (const auto& r : rows) {
    if (store.power_trace(r.trial_id).size() >= 2) return trace_of(r);
  }
  return std::nullopt;
}

// Every figure of the report, in order: per group the trade-off, per model and host the paper's
// figures, the power trace, the validation.
std::vector<Figure> figures_of(const Analysis& analysis, const std::optional<PowerTrace>& trace,
                               const std::optional<sim::Validation>& validation) {
  std::vector<Figure> figures;
  for (const auto& g : analysis.groups) figures.push_back(tradeoff_figure(g));
  std::map<std::pair<std::string, std::string>, std::vector<const Group*>> by_model;
  for (const auto& g : analysis.groups) by_model[{g.model, g.host}].push_back(&g);
  for (const auto& [key, groups] : by_model) {
    const bool has_fixed = std::ranges::any_of(groups, [](const Group* g) {
      return std::ranges::any_of(g->cells, [](const PolicyCell& c) { return c.facts.fixed_batch.has_value(); });
    });
    if (!has_fixed) continue;
    for (const char* metric : {"energy", "dynamic", "latency"}) figures.push_back(batch_figure(groups, metric));
  }
  if (trace) figures.push_back(power_figure(*trace));
  if (validation) figures.push_back(validation_figure(*validation));
  return figures;
}

// The Knobs section's figures: per model and host, per varying knob, energy and p95 against its levels.
std::vector<Figure> knob_figures_of(const std::vector<KnobStudy>& studies) {
  std::map<std::pair<std::string, std::string>, std::vector<const KnobStudy*>> by_model;
  for (const auto& s : studies) by_model[{s.model, s.host}].push_back(&s);
  std::vector<Figure> figures;
  for (const auto& [key, model_studies] : by_model) {
    for (const auto knob : kKnobs) {
      const bool compared = std::ranges::any_of(model_studies, [knob](const KnobStudy* s) {
        return std::ranges::any_of(s->comparisons, [knob](const KnobComparison& c) { return c.knob == knob; });
      });
      if (!compared) continue;
      for (const char* metric : {"energy", "p95"}) figures.push_back(knob_figure(model_studies, knob, metric));
    }
  }
  return figures;
}

}  // namespace

ReportFiles write_report(const store::ResultStore& store, const std::filesystem::path& dir,
                         const ReportOptions& options) {
  auto trials = store.load_trials(options.study_id);
  const auto rows = trial_rows(trials);
  if (rows.empty()) throw InputError("there are no trials to report; run a study (or `greenbatch run --db`) first");
  auto analysis = analyse(rows, options.seed);
  if (analysis.hosts.size() < 2) {
    for (auto& g : analysis.groups) g.host.clear();  // one machine: no host dimension to show
  }
  create_output_folder(dir, "--out");

  std::optional<sim::Validation> validation;
  if (!options.profiles.empty()) {
    std::vector<profile::ProfileDocument> documents;
    for (const auto& file : options.profiles) documents.push_back(profile::load_profile_document(file));
    for (auto& t : trials) {
      if (sim::will_simulate(t, documents)) t.batches = store.load_batches(t.trial_id);  // to compare service times
    }
    validation = sim::validate(trials, documents);
  }
  const auto figures = figures_of(analysis, chosen_trace(store, rows, options), validation);
  const auto studies = knob_studies(analysis);
  const auto knob_figures = knob_figures_of(studies);
  auto all = figures;
  all.insert(all.end(), knob_figures.begin(), knob_figures.end());
  const auto compiled = render(all, dir);
  const ReportContent content{"greenbatch report",
                              utc_now_iso(),
                              options.database,
                              &analysis,
                              &figures,
                              validation ? &*validation : nullptr,
                              &studies,
                              &knob_figures};
  ReportFiles files{dir / "report.html", dir / "report.md", all.size()};
  write_file_atomically(files.html, html_report(content, compiled, web_dir()));
  write_file_atomically(files.markdown, markdown_report(content));
  return files;
}

}  // namespace greenbatch::report
