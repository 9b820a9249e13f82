// The simulator's service model: per batch size, measured (or interpolated) latencies and energy.
#include "greenbatch/sim/service_model.h"

#include <fmt/format.h>

#include <algorithm>

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
  std::vector<std::size_t> offsets, measured;
  for (const auto& c : cells) {
    offsets.push_back(m.samples_.size());
    measured.push_back(static_cast<std::size_t>(c.batch_size));
    for (const double ms : c.latency_samples_ms) m.samples_.push_back(ms / 1e3);
    std::sort(m.samples_.begin() + static_cast<std::ptrdiff_t>(offsets.back()), m.samples_.end());
  }
  std::vector<std::size_t> missing;
  for (std::size_t b = 1; b <= max_batch; ++b) {
    const auto above = std::ranges::lower_bound(measured, b);  // first measured size >= b
    const auto hi = static_cast<std::size_t>(above - measured.begin());
    Entry e;
    if (above != measured.end() && *above == b) {
      e = {offsets[hi], cells[hi].latency_samples_ms.size(), offsets[hi], 0, 0.0, cells[hi].latency_mean_ms / 1e3,
           cells[hi].energy_per_batch_j, cells[hi].dynamic_energy_per_batch_j};
    } else if (options.interpolate && above != measured.end() && hi > 0) {
      const std::size_t lo = hi - 1;
      const double w = static_cast<double>(b - measured[lo]) / static_cast<double>(measured[hi] - measured[lo]);
      const auto& a = cells[lo];
      const auto& c = cells[hi];
      e = {offsets[lo],
           a.latency_samples_ms.size(),
           offsets[hi],
           c.latency_samples_ms.size(),
           w,
           (a.latency_mean_ms + w * (c.latency_mean_ms - a.latency_mean_ms)) / 1e3,
           lerp(a.energy_per_batch_j, c.energy_per_batch_j, w),
           lerp(a.dynamic_energy_per_batch_j, c.dynamic_energy_per_batch_j, w)};
      m.interpolated_.push_back(b);
    } else {
      missing.push_back(b);
    }
    if (options.deterministic) e.lo_count = e.hi_count = 0;
    m.entries_.push_back(e);
  }
  if (!missing.empty()) {
    const auto what = fmt::format("profile '{}' (model {}) has no cell at batch size {}, which a policy with batches "
                                  "up to {} may dispatch; it measured {}",
                                  document.path, m.identity_.model, size_list(missing), max_batch, size_list(measured));
    if (options.interpolate) {
      throw InputError(what + fmt::format("; interpolation needs a measured size on each side and never "
                                          "extrapolates: profile batch sizes from 1 up to {}, or lower the policy's "
                                          "maximum batch",
                                          max_batch));
    }
    throw InputError(what + "; profile those sizes, or allow linear interpolation between measured sizes "
                            "(--interpolate)");
  }
  return m;
}

ServiceModel ServiceModel::linear(double alpha_ms, double tau0_ms, std::size_t max_batch) {
  ServiceModel m;
  for (std::size_t b = 1; b <= max_batch; ++b) {
    Entry e;
    e.mean_s = (alpha_ms * static_cast<double>(b) + tau0_ms) / 1e3;
    m.entries_.push_back(e);
  }
  m.identity_.model = fmt::format("synthetic:alpha={:g},tau0={:g}", alpha_ms, tau0_ms);
  m.identity_.backend = "synthetic";
  m.identity_.device = "cpu";
  m.identity_.weights = "none";
  return m;
}

double ServiceModel::draw_s(std::size_t b, std::mt19937_64& rng) const {
  const Entry& e = entries_[b - 1];
  if (e.lo_count == 0) return e.mean_s;
  // One uniform, read off both neighbours' empirical quantile functions (the same u, so the mix
  // of a measured size with itself is just a draw of its samples).
  const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;
  const auto pick = [&](std::size_t begin, std::size_t count) {
    return samples_[begin + std::min(count - 1, static_cast<std::size_t>(u * static_cast<double>(count)))];
  };
  const double lo = pick(e.lo, e.lo_count);
  if (e.hi_count == 0) return lo;
  return lo + e.w * (pick(e.hi, e.hi_count) - lo);
}

}  // namespace greenbatch::sim
