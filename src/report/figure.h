#pragma once
// Figures described as data and drawn by gnuplot (SVG for the HTML report, PNG for documents).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace greenbatch::report {

/// One series of points; on a categorical axis x is the category's position (0, 1, ...).
struct Series {
  std::string title;                  ///< legend entry
  std::vector<double> x;              ///< positions or values
  std::vector<double> y;              ///< values
  std::vector<double> y_low, y_high;  ///< error bars (empty: none)
  std::vector<std::string> labels;    ///< a text next to each point (empty: none)
  bool line = true;                   ///< join the points
  bool highlight = false;             ///< drawn larger and in a contrasting colour
};

/// A 2-D figure.
struct Figure {
  std::string name;                        ///< file stem: NAME.svg and NAME.png
  std::string title;                       ///< headline
  std::string x_label, y_label;            ///< axis titles
  std::vector<std::string> categories;     ///< categorical x axis (positions 0..n-1); empty: numeric
  bool log_y = false;                      ///< logarithmic y axis
  std::vector<Series> series;              ///< drawn in order
};

/// The gnuplot script that draws `figure` into `output` with `terminal` ("svg ..." or "pngcairo ...").
std::string gnuplot_script(const Figure& figure, const std::string& terminal, const std::filesystem::path& output);

/// Draws `figure` into DIR/NAME.svg and DIR/NAME.png with gnuplot. Throws UnsupportedError when
/// gnuplot is missing (install gnuplot-nox) and Error when it fails.
void render(const Figure& figure, const std::filesystem::path& dir);

}  // namespace greenbatch::report
