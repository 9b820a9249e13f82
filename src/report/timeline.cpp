// The accuracy-versus-energy timeline: fits, table, figures and Markdown.
#include "greenbatch/report/timeline.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include <fmt/format.h>

#include "figure.h"
#include "greenbatch/core/error.h"

namespace greenbatch::report {
namespace {

bool highlighted(const TimelinePoint& p) { return p.model.starts_with("shufflenet"); }

// The points as two series (the rest, and ShuffleNetV2 highlighted) against `x`, plus a fit line.
Figure timeline_figure(const Timeline& t, const std::string& name, const std::string& title, const std::string& x_label,
                       double (*x)(const TimelinePoint&), const stats::LineFit* fit) {
  Figure f{name, title, x_label, "energy per image (J, log scale)", {}, true, {}};
  Series rest{"models", {}, {}, {}, {}, {}, false, false};
  Series shuffle{"ShuffleNetV2", {}, {}, {}, {}, {}, false, true};
  for (const auto& p : t.points) {
    auto& s = highlighted(p) ? shuffle : rest;
    s.x.push_back(x(p));
    s.y.push_back(p.energy_per_image_j);
    s.labels.push_back(p.model);
  }
  f.series = {rest, shuffle};
  if (fit != nullptr && t.points.size() >= 2) {
    Series line{fmt::format("fit: {:+.0f} % per year", std::expm1(fit->slope) * 100.0), {}, {}, {}, {}, {}, true,
                false};
    const double lo = x(t.points.front()), hi = x(t.points.back());
    for (int i = 0; i <= 20; ++i) {
      const double xi = lo + (hi - lo) * i / 20.0;
      line.x.push_back(xi);
      line.y.push_back(std::exp(fit->intercept + fit->slope * xi));
    }
    f.series.push_back(line);
  }
  return f;
}

}  // namespace

Timeline build_timeline(std::vector<TimelinePoint> points, std::string origin) {
  std::ranges::sort(points, [](const auto& a, const auto& b) { return std::tie(a.year, a.model) < std::tie(b.year, b.model); });
  std::vector<double> years, energy, top1;
  for (const auto& p : points) {
    years.push_back(p.year);
    energy.push_back(p.energy_per_image_j);
    top1.push_back(p.top1);
  }
  if (points.empty() || points.front().year == points.back().year) {
    throw InputError("the timeline needs models from at least two different years; add models with --models");
  }
  return Timeline{std::move(points), stats::fit_growth(years, energy), stats::fit_growth(years, top1), std::move(origin)};
}

std::filesystem::path write_timeline(const Timeline& t, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  render(timeline_figure(t, "timeline_year", "Energy per image against publication year", "year",
                         [](const TimelinePoint& p) { return static_cast<double>(p.year); }, &t.energy.log_fit),
         dir);
  auto by_accuracy = t;
  std::ranges::sort(by_accuracy.points, {}, &TimelinePoint::top1);
  render(timeline_figure(by_accuracy, "timeline_accuracy", "Energy per image against top-1 accuracy",
                         "ImageNet-1K top-1 accuracy (%)", [](const TimelinePoint& p) { return p.top1; }, nullptr),
         dir);

  std::ofstream csv(dir / "timeline.csv");
  csv << "model,year,top1,energy_per_image_j,energy_source\n";
  for (const auto& p : t.points) {
    csv << fmt::format("{},{},{},{:.6g},{}\n", p.model, p.year, p.top1, p.energy_per_image_j, p.source);
  }
  const auto md_path = dir / "timeline.md";
  std::ofstream md(md_path);
  md << "# Accuracy and energy over a decade of ImageNet classifiers\n\n";
  md << "Energy per image: " << t.origin << ".\n\n";
  md << "| model | year | top-1 (%) | energy per image (J) | source |\n|---|---|---|---|---|\n";
  for (const auto& p : t.points) {
    md << fmt::format("| {}{} | {} | {:.3f} | {:.4g} | {} |\n", p.model, highlighted(p) ? " (highlighted)" : "", p.year,
                      p.top1, p.energy_per_image_j, p.source);
  }
  md << fmt::format(
      "\nFitted yearly growth (log-linear): energy per image **{:+.1f} % per year** (R² {:.2f}), top-1 accuracy "
      "**{:+.2f} % per year** (R² {:.2f}).\n",
      t.energy.growth_per_unit * 100.0, t.energy.log_fit.r_squared, t.accuracy.growth_per_unit * 100.0,
      t.accuracy.log_fit.r_squared);
  md << "\n![energy against year](timeline_year.svg)\n\n![energy against accuracy](timeline_accuracy.svg)\n";
  if (!md) throw Error(fmt::format("cannot write {}", md_path.string()));
  return md_path;
}

}  // namespace greenbatch::report
