// Drawing figures: the Vega-Lite specs go to report/web/render.mjs, which compiles them with
// Vega-Lite, draws SVG with Vega and PNG with rsvg-convert.
#include "figure.h"

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "greenbatch/core/atomic_file.h"
#include "greenbatch/core/error.h"

namespace greenbatch::report {
namespace {

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

nlohmann::ordered_json figure_spec(const std::string& title, const std::vector<std::string>& notes) {
  return {{"$schema", "https://vega.github.io/schema/vega-lite/v6.json"},
          {"title", {{"text", title}, {"subtitle", notes}, {"anchor", "start"}}},
          {"width", 640},
          {"height", 340},
          {"params", {{{"name", "hidden"}, {"value", nlohmann::ordered_json::array()}}}},
          {"layer", nlohmann::ordered_json::array()}};
}

nlohmann::ordered_json points_data() { return {{"name", "points"}}; }

nlohmann::ordered_json visible_rows() { return {{"filter", "indexof(hidden, datum.series) < 0"}}; }

void add_points(Figure& figure, nlohmann::ordered_json layer, nlohmann::ordered_json rows) {
  for (const auto& row : rows) ++figure.series[row.at("series").get<std::string>()];
  figure.points += rows.size();
  layer["name"] = "points";
  layer["data"] = points_data();
  figure.spec["datasets"]["points"] = std::move(rows);
  layer["transform"] = nlohmann::ordered_json::array({visible_rows()});
  figure.spec["layer"].push_back(std::move(layer));
}

std::filesystem::path web_dir() {
  if (const char* dir = std::getenv("GREENBATCH_WEB_DIR"); dir != nullptr && *dir != '\0') return dir;
  return GREENBATCH_WEB_DIR;
}

std::string render(const std::vector<Figure>& figures, const std::filesystem::path& dir) {
  const auto web = web_dir();
  if (!std::filesystem::exists(web / "node_modules" / "vega")) {
    throw UnsupportedError(
        fmt::format("the report's charting packages are not installed in {}; run `npm ci --prefix "
                    "{}` (scripts/install-deps.sh does) or set GREENBATCH_WEB_DIR",
                    web.string(), web.string()));
  }
  auto specs = nlohmann::ordered_json::array();
  for (const auto& f : figures) specs.push_back({{"name", f.name}, {"spec", f.spec}});
  const auto input = dir / "figures.json";
  write_file_atomically(input, specs.dump(1) + '\n');
  const auto compiled = dir / "figures.vega.json";
  const auto log = dir / "render.log";
  const auto command = fmt::format("node {} {} {} > {} 2>&1", quoted((web / "render.mjs").string()),
                                   quoted(input.string()), quoted(dir.string()), quoted(log.string()));
  const int status = std::system(command.c_str());
  const auto output = slurp(log);
  std::filesystem::remove(log);
  if (!WIFEXITED(status) || WEXITSTATUS(status) == 127) {
    throw UnsupportedError("node is not installed; install it (apt-get install nodejs) to draw the report's figures");
  }
  if (WEXITSTATUS(status) == 3) throw UnsupportedError(output);
  if (WEXITSTATUS(status) != 0) {
    throw InputError(fmt::format(
        "drawing the figures into {} failed (each file there is whole: new or as it was; check free space and "
        "that you may write there): {}",
        dir.string(), output));
  }
  auto text = slurp(compiled);
  std::filesystem::remove(compiled);
  return text;
}

}  // namespace greenbatch::report
