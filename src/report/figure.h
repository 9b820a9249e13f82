#pragma once
// Figures as Vega-Lite specs with their data inline: one definition per figure, drawn by Vega in
// the HTML page and, through node, into SVG and PNG files.

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace greenbatch::report {

/// One figure.
struct Figure {
  std::string name;                           ///< file stem: NAME.svg and NAME.png
  std::string caption;                        ///< how to read it, shown under it
  nlohmann::ordered_json spec;                ///< the Vega-Lite spec, data inline
  std::size_t points = 0;                     ///< marks of its layer named "points": one per data point
  std::map<std::string, std::size_t> series;  ///< points per series (the page's toggles hide them)
};

/// The skeleton every figure shares: title with `notes` as subtitle lines (sources, estimates,
/// how uncertainty is drawn), size, and the `hidden` parameter (series the page's toggles hide).
nlohmann::ordered_json figure_spec(const std::string& title, const std::vector<std::string>& notes);

/// The transform that drops rows whose `series` the page hides.
nlohmann::ordered_json visible_rows();

/// Adds `layer` as the figure's "points" layer with `rows` (objects with a "series" field) as its
/// data, one mark per row, and counts them into points and series. The rows are stored once, as
/// the spec's dataset "points", which other layers (intervals, lines) read through points_data().
void add_points(Figure& figure, nlohmann::ordered_json layer, nlohmann::ordered_json rows);

/// A layer's data: the rows of the figure's "points" layer.
nlohmann::ordered_json points_data();

/// The folder of the report's browser-side code (report/web with its installed node_modules):
/// $GREENBATCH_WEB_DIR, or the source tree's at build time.
std::filesystem::path web_dir();

/// Writes DIR/figures.json (every spec with its data) and draws each figure with Vega under
/// node into DIR/NAME.svg and DIR/NAME.png. Returns the compiled Vega specs, by name, as JSON
/// text for the page. Throws UnsupportedError naming the fix when node, the npm packages or
/// rsvg-convert are missing, and Error when drawing fails.
std::string render(const std::vector<Figure>& figures, const std::filesystem::path& dir);

}  // namespace greenbatch::report
