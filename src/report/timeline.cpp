// The accuracy-versus-energy timeline: fits, table, figures and Markdown.
#include "greenbatch/report/timeline.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

#include "figure.h"
#include "greenbatch/core/atomic_file.h"
#include "greenbatch/core/error.h"
#include "timeline_finding.h"

namespace greenbatch::report {
namespace {

using Json = nlohmann::ordered_json;

bool highlighted(const TimelinePoint& p) { return p.model.starts_with("shufflenet"); }

// Energy per image against `x`, one series per host (or the models and ShuffleNetV2 highlighted,
// for one host), each point labelled, with the fitted growth as a line (log y axis).
Figure timeline_figure(const Timeline& t, const std::string& name, const std::string& title, const std::string& x_label,
                       double (*x)(const TimelinePoint&), const stats::LineFit* fit) {
  std::set<std::string> hosts, sources;
  for (const auto& p : t.points) {
    hosts.insert(p.host);
    sources.insert(p.source);
  }
  std::vector<std::string> notes{"energy per image: " + t.origin};
  for (const auto& s : sources) {
    if (s.find("estimate") != std::string::npos)
      notes.push_back(s + ": an ESTIMATE from a power model, not a measurement");
  }
  notes.emplace_back("energy on a log scale (it does not start at zero)");
  Figure f{name,
           title + ": each point a model, labelled; the line is the log-linear fit.",
           figure_spec(title, notes),
           0,
           {}};
  Json rows = Json::array();
  for (const auto& p : t.points) {
    const auto series = hosts.size() > 1 ? p.host
                        : highlighted(p) ? std::string("ShuffleNetV2")
                                         : std::string("models");
    rows.push_back({{"series", series},
                    {"model", p.model},
                    {"x", x(p)},
                    {"y", p.energy_per_image_j},
                    {"year", p.year},
                    {"top1", p.top1},
                    {"source", p.source}});
  }
  const Json x_axis{{"field", "x"},
                    {"type", "quantitative"},
                    {"title", x_label},
                    {"scale", {{"zero", false}}},
                    {"axis", {{"format", "d"}}}};
  const Json y_axis{{"field", "y"},
                    {"type", "quantitative"},
                    {"title", "energy per image (J, log scale)"},
                    {"scale", {{"type", "log"}}}};
  if (fit != nullptr && t.points.size() >= 2) {
    Json line = Json::array();
    const double lo = x(t.points.front()), hi = x(t.points.back());
    for (int i = 0; i <= 20; ++i) {
      const double xi = lo + (hi - lo) * i / 20.0;
      line.push_back({{"x", xi}, {"y", std::exp(fit->intercept + fit->slope * xi)}});
    }
    f.spec["layer"].push_back(
        {{"name", "fit"},
         {"data", {{"values", line}}},
         {"mark", {{"type", "line"}, {"color", "#888"}, {"strokeDash", {4, 4}}}},
         {"encoding",
          {{"x", {{"field", "x"}, {"type", "quantitative"}}}, {"y", {{"field", "y"}, {"type", "quantitative"}}}}}});
    f.caption += fmt::format(" Fitted growth: {:+.0f} % per year.", std::expm1(fit->slope) * 100.0);
  }
  f.spec["layer"].push_back({{"name", "labels"},
                             {"data", points_data()},
                             {"transform", {visible_rows()}},
                             {"mark", {{"type", "text"}, {"align", "left"}, {"dx", 6}, {"dy", -6}, {"fontSize", 9}}},
                             {"encoding",
                              {{"x", {{"field", "x"}, {"type", "quantitative"}}},
                               {"y", {{"field", "y"}, {"type", "quantitative"}}},
                               {"text", {{"field", "model"}}}}}});
  add_points(f,
             {{"mark", {{"type", "point"}, {"filled", true}, {"size", 60}}},
              {"encoding",
               {{"x", x_axis},
                {"y", y_axis},
                {"color", {{"field", "series"}, {"type", "nominal"}, {"title", hosts.size() > 1 ? "host" : "models"}}},
                {"tooltip", Json::array({{{"field", "model"}, {"title", "model"}},
                                         {{"field", "year"}, {"title", "year"}},
                                         {{"field", "top1"}, {"title", "top-1 (%)"}},
                                         {{"field", "y"}, {"title", "energy per image (J)"}, {"format", ".4g"}},
                                         {{"field", "source"}, {"title", "source"}}})}}}},
             rows);
  return f;
}

}  // namespace

void require_two_years(const std::vector<int>& years) {
  if (std::ranges::adjacent_find(years, std::not_equal_to<>{}) == years.end()) {
    throw InputError("the timeline needs models from at least two different years; add models with --models");
  }
}

Timeline build_timeline(std::vector<TimelinePoint> points, std::string origin) {
  std::ranges::sort(points,
                    [](const auto& a, const auto& b) { return std::tie(a.year, a.model) < std::tie(b.year, b.model); });
  std::vector<int> point_years;
  std::vector<double> years, energy, top1;
  for (const auto& p : points) {
    point_years.push_back(p.year);
    years.push_back(p.year);
    energy.push_back(p.energy_per_image_j);
    top1.push_back(p.top1);
  }
  require_two_years(point_years);
  return Timeline{std::move(points), stats::fit_growth(years, energy), stats::fit_growth(years, top1),
                  std::move(origin)};
}

std::vector<StoredEnergy> stored_energy(const std::vector<trial::TrialRecord>& trials, int batch_size) {
  return stored_energy(trial_rows(trials), batch_size);
}

std::vector<StoredEnergy> stored_energy(const std::vector<TrialRow>& rows, int batch_size) {
  std::map<std::pair<std::string, std::string>, StoredEnergy> sums;
  for (const auto& r : rows) {
    if (r.status != trial::TrialStatus::ok || !r.energy_per_request_j ||
        policy_facts(r.policy).fixed_batch != batch_size)
      continue;
    auto& s = sums[{r.model, r.host}];
    s.model = r.model;
    s.host = r.host;
    s.source = r.energy_source;
    s.energy_per_image_j += *r.energy_per_request_j;
    ++s.trials;
  }
  std::vector<StoredEnergy> out;
  for (auto& [key, s] : sums) {
    s.energy_per_image_j /= static_cast<double>(s.trials);
    out.push_back(s);
  }
  return out;
}

std::filesystem::path write_timeline(const Timeline& t, const std::filesystem::path& dir) {
  create_output_folder(dir, "--out");
  auto by_accuracy = t;
  std::ranges::sort(by_accuracy.points, {}, &TimelinePoint::top1);
  render({timeline_figure(
              t, "timeline_year", "Energy per image against publication year", "year",
              [](const TimelinePoint& p) { return static_cast<double>(p.year); }, &t.energy.log_fit),
          timeline_figure(
              by_accuracy, "timeline_accuracy", "Energy per image against top-1 accuracy",
              "ImageNet-1K top-1 accuracy (%)", [](const TimelinePoint& p) { return p.top1; }, nullptr)},
         dir);

  write_file_atomically(dir / "timeline.csv", [&t](std::ostream& csv) {
    csv << "model,year,top1,energy_per_image_j,energy_source,host\n";
    for (const auto& p : t.points) {
      csv << fmt::format("{},{},{},{:.6g},{},{}\n", p.model, p.year, p.top1, p.energy_per_image_j, p.source, p.host);
    }
  });
  const auto md_path = dir / "timeline.md";
  write_file_atomically(md_path, [&t](std::ostream& md) {
    md << "# Accuracy and energy over a decade of ImageNet classifiers\n\n";
    md << "Energy per image: " << t.origin << ".\n\n";
    const bool hosts = std::ranges::any_of(t.points, [](const TimelinePoint& p) { return !p.host.empty(); });
    md << "| model | year | top-1 (%) | energy per image (J) | source |" << (hosts ? " host |" : "")
       << "\n|---|---|---|---|---|" << (hosts ? "---|" : "") << "\n";
    for (const auto& p : t.points) {
      md << fmt::format("| {}{} | {} | {:.3f} | {:.4g} | {} |{}\n", p.model, highlighted(p) ? " (highlighted)" : "",
                        p.year, p.top1, p.energy_per_image_j, p.source, hosts ? " " + p.host + " |" : "");
    }
    md << fmt::format(
        "\nFitted yearly growth (log-linear): energy per image **{:+.1f} % per year** (R² {:.2f}), top-1 accuracy "
        "**{:+.2f} % per year** (R² {:.2f}).\n",
        t.energy.growth_per_unit * 100.0, t.energy.log_fit.r_squared, t.accuracy.growth_per_unit * 100.0,
        t.accuracy.log_fit.r_squared);
    md << "\n![energy against year](timeline_year.svg)\n\n![energy against accuracy](timeline_accuracy.svg)\n";
  });
  return md_path;
}

}  // namespace greenbatch::report
