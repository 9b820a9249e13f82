#pragma once
/// The study report: figures (Vega-Lite specs drawn in the page and as SVG and PNG files), tables,
/// statistics and conclusions in plain words, one self-contained HTML file that opens offline, and
/// a Markdown summary.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "greenbatch/store/result_store.h"

namespace greenbatch::report {

/// What to report.
struct ReportOptions {
  std::optional<std::string> study_id;          ///< only this study's trials (default: all)
  std::optional<std::string> trace_trial;       ///< the trial whose power trace is drawn (default: the
                                                ///< first with a stored trace)
  std::uint64_t seed = 1;                       ///< seed of the bootstrap confidence intervals
  std::string database;                         ///< the store's file name, shown in the report
  std::vector<std::filesystem::path> profiles;  ///< profile documents: validate the simulator against
                                                ///< the trials of their models
};

/// The files written.
struct ReportFiles {
  std::filesystem::path html;      ///< report.html (self-contained)
  std::filesystem::path markdown;  ///< report.md
  std::size_t figures = 0;         ///< figures drawn (each as SVG and PNG)
};

/// Reads the trials of `store`, analyses them and writes the report into `dir` (created when
/// missing): report.html, report.md, figures.json (every figure's spec and data) and NAME.svg /
/// NAME.png per figure. Throws InputError when there are no trials to report, UnsupportedError
/// when the charting tools are not installed.
ReportFiles write_report(const store::ResultStore& store, const std::filesystem::path& dir,
                         const ReportOptions& options);

}  // namespace greenbatch::report
