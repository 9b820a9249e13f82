// The timeline's growth rates from a study's own fixed:1 trials, in words.
#include "timeline_finding.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "greenbatch/engine/model_catalog.h"

namespace greenbatch::report {

std::vector<std::string> timeline_findings(const std::vector<TrialRow>& rows) {
  std::map<std::string, std::vector<TimelinePoint>> by_host;
  for (const auto& e : stored_energy(rows, 1)) {
    const auto& catalog = engine::model_catalog();
    const auto info = std::ranges::find(catalog, e.model, &engine::ModelInfo::name);
    if (info == catalog.end()) continue;  // not a zoo model (a synthetic backend, a model file)
    by_host[e.host].push_back({info->name, info->year, info->top1, e.energy_per_image_j, e.source, e.host});
  }
  std::vector<std::string> out;
  for (auto& [host, points] : by_host) {
    const auto [first, last] = std::ranges::minmax(points, {}, &TimelinePoint::year);
    if (first.year == last.year) continue;
    const auto sources = points.front().source;
    const auto t = build_timeline(std::move(points), "");
    out.push_back(fmt::format(
        "Timeline{}: over {} zoo models from {} to {} (batch size 1, energy source {}), energy per image grows "
        "{:+.1f} % per year (log-linear fit, R² {:.2f}) while top-1 accuracy grows {:+.2f} % per year (R² {:.2f}).",
        by_host.size() > 1 ? " on " + host : "", t.points.size(), first.year, last.year, sources,
        t.energy.growth_per_unit * 100.0, t.energy.log_fit.r_squared, t.accuracy.growth_per_unit * 100.0,
        t.accuracy.log_fit.r_squared));
  }
  return out;
}

}  // namespace greenbatch::report
