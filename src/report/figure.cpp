// Drawing figures with gnuplot.
#include "figure.h"

#include <sys/wait.h>

#include <cstdio>
#include <sstream>

#include <fmt/format.h>

#include "greenbatch/core/error.h"

namespace greenbatch::report {
namespace {

// Colour-blind-safe palette (Okabe & Ito), and the highlight colour.
constexpr const char* kColours[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"};
constexpr const char* kHighlight = "#D55E00";

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// A series as an inline data block: x y [low high] [label].
void write_block(std::ostringstream& s, std::size_t index, const Series& series) {
  s << "$s" << index << " << EOD\n";
  for (std::size_t i = 0; i < series.x.size(); ++i) {
    s << fmt::format("{:.10g} {:.10g}", series.x[i], series.y[i]);
    if (!series.y_low.empty()) s << fmt::format(" {:.10g} {:.10g}", series.y_low[i], series.y_high[i]);
    if (!series.labels.empty()) s << ' ' << quoted(series.labels[i]);
    s << '\n';
  }
  s << "EOD\n";
}

}  // namespace

std::string gnuplot_script(const Figure& figure, const std::string& terminal, const std::filesystem::path& output) {
  std::ostringstream s;
  s << "set terminal " << terminal << "\n";
  s << "set output " << quoted(output.string()) << "\n";
  s << "set title " << quoted(figure.title) << " noenhanced\n";
  s << "set xlabel " << quoted(figure.x_label) << " noenhanced\n";
  s << "set ylabel " << quoted(figure.y_label) << " noenhanced\n";
  s << "set key outside right top noenhanced\nset grid\nset border 3\nset tics nomirror\n";
  if (figure.log_y) s << "set logscale y\n";
  if (!figure.categories.empty()) {
    s << "set xrange [-0.5:" << figure.categories.size() - 0.5 << "]\nset xtics rotate by -30 (";
    for (std::size_t i = 0; i < figure.categories.size(); ++i) {
      s << (i ? ", " : "") << quoted(figure.categories[i]) << ' ' << i;
    }
    s << ") noenhanced\n";
  }
  for (std::size_t i = 0; i < figure.series.size(); ++i) write_block(s, i, figure.series[i]);
  s << "plot ";
  bool first = true;
  for (std::size_t i = 0; i < figure.series.size(); ++i) {
    const auto& series = figure.series[i];
    if (series.x.empty()) continue;
    const std::string colour = series.highlight ? kHighlight : kColours[i % std::size(kColours)];
    const std::string style = fmt::format("lc rgb {} pt {} ps {}", quoted(colour), series.highlight ? 5 : 7,
                                          series.highlight ? 1.6 : 0.9);
    s << (first ? "" : ", \\\n     ");
    first = false;
    if (!series.y_low.empty()) {
      s << "$s" << i << " using 1:2:3:4 with " << (series.line ? "yerrorlines" : "yerrorbars") << ' ' << style
        << " title " << quoted(series.title) << " noenhanced";
    } else {
      s << "$s" << i << " using 1:2 with " << (series.line ? "linespoints" : "points") << ' ' << style
        << " title " << quoted(series.title) << " noenhanced";
    }
    if (!series.labels.empty()) {
      const int label_column = series.y_low.empty() ? 3 : 5;
      s << ", $s" << i << " using 1:2:" << label_column << " with labels offset 0.8,0.6 left font \",9\" notitle noenhanced";
    }
  }
  if (first) s << "NaN notitle";
  s << "\nunset output\n";
  return s.str();
}

void render(const Figure& figure, const std::filesystem::path& dir) {
  const std::pair<std::string, std::string> outputs[] = {
      {"svg size 900,500 dynamic font \"sans,12\" background rgb \"white\"", ".svg"},
      {"pngcairo size 900,500 font \"sans,10\"", ".png"}};
  for (const auto& [terminal, extension] : outputs) {
    const auto script = gnuplot_script(figure, terminal, dir / (figure.name + extension));
    std::FILE* pipe = popen("gnuplot 2>&1", "w");
    if (pipe == nullptr) throw UnsupportedError("cannot start gnuplot; install it (apt-get install gnuplot-nox)");
    std::fwrite(script.data(), 1, script.size(), pipe);
    const int status = pclose(pipe);
    if (!WIFEXITED(status) || WEXITSTATUS(status) == 127) {
      throw UnsupportedError("gnuplot is not installed; install it (apt-get install gnuplot-nox) to draw figures");
    }
    if (WEXITSTATUS(status) != 0) {
      throw Error(fmt::format("gnuplot failed drawing {}{} (exit {})", figure.name, extension, WEXITSTATUS(status)));
    }
  }
}

}  // namespace greenbatch::report
