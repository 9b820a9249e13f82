#pragma once
// The report as documents: one self-contained HTML file and a Markdown summary.

#include <filesystem>
#include <string>
#include <vector>

#include "analysis.h"
#include "figure.h"
#include "greenbatch/sim/validation.h"
#include "knob_analysis.h"

namespace greenbatch::report {

/// What the documents show.
struct ReportContent {
  std::string title;                                     ///< e.g. "greenbatch report: quick"
  std::string generated_at;                              ///< UTC time
  std::string database;                                  ///< the store's path
  const Analysis* analysis = nullptr;                    ///< the numbers
  const std::vector<Figure>* figures = nullptr;          ///< in order of appearance
  const sim::Validation* validation = nullptr;           ///< simulated against live (null: no profile given)
  const std::vector<KnobStudy>* knob_studies = nullptr;  ///< the Knobs section (null or empty: no knob varies)
  const std::vector<Figure>* knob_figures = nullptr;     ///< its figures (not in `figures`)
};

/// The same (model, arrival, knob levels, policy) cell on every host, for the cross-host comparison.
struct HostRow {
  std::string model, arrival, knobs, policy;
  std::vector<const PolicyCell*> cells;  ///< one per Analysis::hosts entry; null where that host lacks it
};

/// The cells of `analysis` side by side across its hosts (empty with fewer than two hosts).
std::vector<HostRow> host_rows(const Analysis& analysis);

/// "+4.2 %" for a relative error, "–" for none.
std::string percent_text(std::optional<double> relative);

/// The validation's headline: how many trials agree within the tolerance.
std::string validation_sentence(const sim::Validation& v);

/// The study's conclusions in the paper's terms, each a sentence with its numbers: per group,
/// whether batch size (then the policy) affects energy and response time, which batch size
/// minimises energy, the least-energy and the recommended policy; per knob study, which knob saves
/// the most; then the timeline's growth rates.
std::vector<std::string> conclusions(const ReportContent& content);

/// How the Knobs section reads: what is compared and what each knob's default is.
std::string knobs_intro();

/// A knob saving for a table cell: "12.3 %", "0 % (at the default)", "– (not run)".
std::string saving_text(const KnobSaving& saving);

/// "threads, fixed:4 with precision=fp32": what a comparison compares and holds fixed.
std::string comparison_title(const KnobComparison& comparison);

/// "m, poisson:10" and ", HOST" when there is a host dimension.
std::string study_title(const KnobStudy& study);

/// The HTML report: tables (sortable), findings, and every figure drawn in the page by Vega from
/// `compiled_specs` (JSON text, by figure name) with tooltips and series toggles; the Vega
/// library is inlined from `web_dir`, so the file opens offline.
std::string html_report(const ReportContent& content, const std::string& compiled_specs,
                        const std::filesystem::path& web_dir);

/// The Markdown summary: the same tables and findings, figures linked.
std::string markdown_report(const ReportContent& content);

/// The number formatted for a table cell: 4 significant digits, the interval from
/// kMinRepetitionsForInterval repetitions on, else the count; "–" for none.
std::string cell_text(const std::optional<Estimate>& e);

}  // namespace greenbatch::report
