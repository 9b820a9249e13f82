// The simulator's service model: per batch size and idle gap, measured (or interpolated) latencies and energy.
#include "greenbatch/sim/service_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "greenbatch/core/error.h"

namespace greenbatch::sim {
namespace {

// "1, 3..7, 9": ascending sizes with runs folded.
std::string size_list(const std::vector<std::size_t>& sizes) {
  std::string out;
  for (std::size_t i = 0; i < sizes.size();) {
    std::size_t j = i;
    while (j + 1 < sizes.size() && sizes[j + 1] == sizes[j] + 1) ++j;
    if (!out.empty()) out += ", ";
    out += j > i + 1 ? fmt::format("{}..{}", sizes[i], sizes[j])
                     : (j == i ? fmt::format("{}", sizes[i]) : fmt::format("{}, {}", sizes[i], sizes[j]));
    i = j + 1;
  }
  return out;
}

std::optional<double> lerp(const std::optional<double>& a, const std::optional<double>& b, double w) {
  if (!a || !b) return std::nullopt;
  return *a + w * (*b - *a);
}

}  // namespace

ServiceModel ServiceModel::from_profile(const profile::ProfileDocument& document, const std::string& model,
                                        std::size_t max_batch, const ServiceOptions& options) {
  const auto cells = profile::model_cells(document, model);
  ServiceModel m;
  m.idle_power_w_ = document.idle_power_w;
  m.energy_source_ = document.energy_source;
  m.identity_ = cells.front();
  m.identity_.latency_samples_ms.clear();
  m.identity_.idle_gaps.clear();
  // Each measured cell as levels by gap (gap 0 first), its samples sorted into samples_.
  bool assumed_gap_energy = false;
  std::vector<std::vector<Level>> measured_levels;
  std::vector<std::size_t> measured;
  const auto add = [&m](double gap_ms, const std::vector<double>& samples_ms, std::optional<double> energy) {
    const std::size_t offset = m.samples_.size();
    double sum = 0.0;
    for (const double ms : samples_ms) {
      m.samples_.push_back(ms / 1e3);
      sum += ms / 1e3;
    }
    std::sort(m.samples_.begin() + static_cast<std::ptrdiff_t>(offset), m.samples_.end());
    return Level{gap_ms / 1e3, offset, samples_ms.size(), offset, 0, 0.0, sum / static_cast<double>(samples_ms.size()),
                 energy};
  };
  for (const auto& c : cells) {
    measured.push_back(static_cast<std::size_t>(c.batch_size));
    std::vector<Level> levels{add(0.0, c.latency_samples_ms, c.energy_per_batch_j)};
    levels.front().mean_s = c.latency_mean_ms / 1e3;  // the document's mean (checked against its samples)
    for (const auto& g : c.idle_gaps) {
      auto energy = g.energy_per_batch_j;
      if (!energy && c.energy_per_batch_j) {
        energy = c.energy_per_batch_j;
        assumed_gap_energy = true;
      }
      levels.push_back(add(g.gap_ms, g.latency_samples_ms, energy));
    }
    m.has_idle_gaps_ = m.has_idle_gaps_ || levels.size() > 1;
    measured_levels.push_back(std::move(levels));
  }
  std::vector<std::size_t> missing;
  for (std::size_t b = 1; b <= max_batch; ++b) {
    const auto above = std::ranges::lower_bound(measured, b);  // first measured size >= b
    const auto hi = static_cast<std::size_t>(above - measured.begin());
    Entry e;
    if (above != measured.end() && *above == b) {
      e.levels = measured_levels[hi];
      e.dynamic_j = cells[hi].dynamic_energy_per_batch_j;
    } else if (options.interpolate && above != measured.end() && hi > 0) {
      const std::size_t lo = hi - 1;
      const double w = static_cast<double>(b - measured[lo]) / static_cast<double>(measured[hi] - measured[lo]);
      // Mix the neighbours at every gap both measured.
      e.levels.clear();
      for (const auto& a : measured_levels[lo]) {
        for (const auto& c : measured_levels[hi]) {
          if (a.gap_s != c.gap_s) continue;
          e.levels.push_back({a.gap_s, a.lo, a.lo_count, c.lo, c.lo_count, w, a.mean_s + w * (c.mean_s - a.mean_s),
                              lerp(a.energy_j, c.energy_j, w)});
        }
      }
      e.dynamic_j = lerp(cells[lo].dynamic_energy_per_batch_j, cells[hi].dynamic_energy_per_batch_j, w);
      m.interpolated_.push_back(b);
    } else {
      missing.push_back(b);
    }
    if (options.deterministic) {
      for (auto& level : e.levels) level.lo_count = level.hi_count = 0;
    }
    m.entries_.push_back(std::move(e));
  }
  if (!missing.empty()) {
    const auto what = fmt::format(
        "profile '{}' (model {}) has no cell at batch size {}, which a policy with batches "
        "up to {} may dispatch; it measured {}",
        document.path, m.identity_.model, size_list(missing), max_batch, size_list(measured));
    if (options.interpolate) {
      throw InputError(what + fmt::format("; interpolation needs a measured size on each side and never "
                                          "extrapolates: profile batch sizes from 1 up to {}, or lower the policy's "
                                          "maximum batch",
                                          max_batch));
    }
    throw InputError(what +
                     "; profile those sizes, or allow linear interpolation between measured sizes "
                     "(--interpolate)");
  }
  if (!m.has_idle_gaps_) {
    m.notes_.push_back(fmt::format(
        "profile '{}' has no idle-gap cells ({}): every batch is drawn as a back-to-back one, which is optimistic "
        "for batches that follow idle time (light load)",
        document.path, document.version < 2 ? "a version-1 document" : "profiled with --idle-gaps 0"));
  }
  if (assumed_gap_energy) {
    m.notes_.emplace_back(
        "energy after idle gaps was not measured (no idle baseline or meter window); the "
        "back-to-back batch energy stands in for it");
  }
  return m;
}

ServiceModel ServiceModel::linear(double alpha_ms, double tau0_ms, std::size_t max_batch) {
  ServiceModel m;
  for (std::size_t b = 1; b <= max_batch; ++b) {
    Entry e;
    e.levels.front().mean_s = (alpha_ms * static_cast<double>(b) + tau0_ms) / 1e3;
    m.entries_.push_back(e);
  }
  m.identity_.model = fmt::format("synthetic:alpha={:g},tau0={:g}", alpha_ms, tau0_ms);
  m.identity_.backend = "synthetic";
  m.identity_.device = "cpu";
  m.identity_.weights = "none";
  return m;
}

namespace {

// The two levels around `idle_s` and the weight of the upper one (0 past the largest gap).
template <class Level>
std::tuple<const Level*, const Level*, double> bracket(const std::vector<Level>& levels, double idle_s) {
  const auto upper = std::ranges::upper_bound(levels, idle_s, {}, &Level::gap_s);  // first gap > idle_s
  if (upper == levels.end()) return {&levels.back(), &levels.back(), 0.0};
  if (upper == levels.begin()) return {&*upper, &*upper, 0.0};  // unreachable: levels start at gap 0
  const auto& a = *(upper - 1);
  return {&a, &*upper, (idle_s - a.gap_s) / (upper->gap_s - a.gap_s)};
}

}  // namespace

double ServiceModel::mean_s(std::size_t b, double idle_s) const {
  const auto [a, c, v] = bracket(entries_[b - 1].levels, std::max(0.0, idle_s));
  return a->mean_s + v * (c->mean_s - a->mean_s);
}

double ServiceModel::draw_s(std::size_t b, std::mt19937_64& rng, double idle_s) const {
  const auto [a, c, v] = bracket(entries_[b - 1].levels, std::max(0.0, idle_s));
  if (a->lo_count == 0) return mean_s(b, idle_s);
  // One uniform, read off every neighbour's empirical quantile function (the same u, so the mix
  // of a measured cell with itself is just a draw of its samples).
  const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
  const auto pick = [&](std::size_t begin, std::size_t count) {
    return samples_[begin + std::min(count - 1, static_cast<std::size_t>(u * static_cast<double>(count)))];
  };
  const auto level_draw = [&](const Level& l) {
    const double lo = pick(l.lo, l.lo_count);
    return l.hi_count == 0 ? lo : lo + l.w * (pick(l.hi, l.hi_count) - lo);
  };
  const double x = level_draw(*a);
  return v == 0.0 ? x : x + v * (level_draw(*c) - x);
}

std::optional<double> ServiceModel::energy_j(std::size_t b, double idle_s) const {
  const auto [a, c, v] = bracket(entries_[b - 1].levels, std::max(0.0, idle_s));
  return v == 0.0 ? a->energy_j : lerp(a->energy_j, c->energy_j, v);
}

}  // namespace greenbatch::sim
