#pragma once
// The report as documents: one self-contained HTML file and a Markdown summary.

#include <filesystem>
#include <string>
#include <vector>

#include "analysis.h"
#include "validation.h"

namespace greenbatch::report {

/// A drawn figure and where its files are.
struct DrawnFigure {
  std::string name;     ///< file stem (NAME.svg, NAME.png)
  std::string caption;  ///< what it shows
};

/// What the documents show.
struct ReportContent {
  std::string title;                  ///< e.g. "greenbatch report: quick"
  std::string generated_at;           ///< UTC time
  std::string database;               ///< the store's path
  const Analysis* analysis = nullptr; ///< the numbers
  std::vector<DrawnFigure> figures;   ///< in order of appearance
  const Validation* validation = nullptr;  ///< simulated against live (null: no profile given)
};

/// "+4.2 %" for a relative error, "–" for none.
std::string percent_text(std::optional<double> relative);

/// The validation's headline: how many trials agree within the tolerance.
std::string validation_sentence(const Validation& v);

/// The HTML report: tables, findings and every figure's SVG inlined (opens offline). `dir` holds
/// the SVG files.
std::string html_report(const ReportContent& content, const std::filesystem::path& dir);

/// The Markdown summary: the same tables and findings, figures linked.
std::string markdown_report(const ReportContent& content);

/// The number formatted for a table cell: 4 significant digits, "–" for none.
std::string cell_text(const std::optional<Estimate>& e);

}  // namespace greenbatch::report
