// Service-time estimates by batch size: per-size windows, nearest-rank quantiles, interpolation.
#include "greenbatch/batching/service_estimate.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace greenbatch::batching {

ServiceEstimate::ServiceEstimate(std::size_t window) : window_(window) { assert(window >= 1); }

void ServiceEstimate::record(std::size_t size, double latency_s) {
  assert(size >= 1 && latency_s >= 0.0);
  if (sizes_.size() < size) sizes_.resize(size);
  auto& s = sizes_[size - 1];
  if (s.recent.empty()) known_.insert(std::ranges::upper_bound(known_, size), size);
  if (s.recent.size() < window_) {
    s.recent.push_back(latency_s);
  } else {
    const double forgotten = s.recent[s.next];
    s.recent[s.next] = latency_s;
    s.next = (s.next + 1) % window_;
    s.sorted.erase(std::ranges::lower_bound(s.sorted, forgotten));
  }
  s.sorted.insert(std::ranges::upper_bound(s.sorted, latency_s), latency_s);
}

void ServiceEstimate::seed(std::size_t size, std::span<const double> latencies_s) {
  for (const double latency : latencies_s) record(size, latency);
}

double ServiceEstimate::quantile_of(std::size_t size, double quantile) const {
  const auto& sorted = sizes_[size - 1].sorted;
  // Nearest rank: the smallest value with at least `quantile` of the observations at or below it.
  const auto rank = static_cast<std::size_t>(std::ceil(quantile * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

std::optional<double> ServiceEstimate::service_s(std::size_t size, double quantile) const {
  assert(size >= 1 && quantile > 0.0 && quantile < 1.0);
  if (known_.empty()) return std::nullopt;
  const auto above = std::ranges::lower_bound(known_, size);
  if (above != known_.end() && *above == size) return quantile_of(size, quantile);
  if (above == known_.begin()) return quantile_of(*above, quantile);
  const std::size_t lo = *(above - 1);
  if (above == known_.end()) return quantile_of(lo, quantile) * static_cast<double>(size) / static_cast<double>(lo);
  const std::size_t hi = *above;
  const double w = static_cast<double>(size - lo) / static_cast<double>(hi - lo);
  return (1.0 - w) * quantile_of(lo, quantile) + w * quantile_of(hi, quantile);
}

std::optional<double> ServiceEstimate::fastest_s(double quantile) const {
  std::optional<double> fastest;
  for (const std::size_t size : known_) {
    const double s = quantile_of(size, quantile);
    if (!fastest || s < *fastest) fastest = s;
  }
  return fastest;
}

}  // namespace greenbatch::batching
