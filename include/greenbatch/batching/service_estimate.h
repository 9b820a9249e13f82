#pragma once
/// What a policy knows of how long a batch takes: a high quantile of the recent service times of
/// each batch size, interpolated across sizes. Its driver (the runtime worker or the simulator)
/// feeds it each finished batch's (size, latency); a profile may seed it first.

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace greenbatch::batching {

/// Service-time estimates by batch size, learned online.
///
/// Warm-up rule: a batch size is known from its first observation (a finished batch or a seeded
/// latency). Its estimate is the nearest-rank quantile q of its last `window` observations, so
/// with fewer than 1/(1 − q) of them (20 for p95) it is their maximum. A size never observed is
/// interpolated linearly between the nearest known sizes below and above it; below the smallest
/// known size it takes that size's estimate; above the largest known size k it is scaled
/// proportionally, b/k · s(k) — an upper bound whenever service time grows no faster than
/// linearly with a non-negative fixed cost (α·b + τ0). Before any observation there is no
/// estimate at all (service_s() is empty), and a policy that needs one must act without it.
///
/// Not thread-safe: its driver owns it and calls record() and service_s() from one thread.
class ServiceEstimate {
 public:
  /// The quantile used when a caller does not choose one.
  static constexpr double kDefaultQuantile = 0.95;
  /// Observations kept per batch size when the constructor is not told otherwise.
  static constexpr std::size_t kDefaultWindow = 64;

  /// An empty estimate that keeps the last kDefaultWindow observations of each size.
  ServiceEstimate() : ServiceEstimate(kDefaultWindow) {}
  /// An empty estimate that keeps the last `window` (>= 1) observations of each size.
  explicit ServiceEstimate(std::size_t window);

  /// Adds one finished batch: `size` (>= 1) requests served in `latency_s` (>= 0) seconds, from
  /// its dispatch to its completion. The oldest observation of that size beyond the window is
  /// forgotten.
  void record(std::size_t size, double latency_s);
  /// Adds measured latencies of one size (e.g. a profile's cell), in the order measured; the
  /// same as record() for each.
  void seed(std::size_t size, std::span<const double> latencies_s);

  /// The estimated service time of a batch of `size` (>= 1) at quantile `quantile` in (0, 1), s;
  /// empty before the first observation. See the class comment for the rule.
  [[nodiscard]] std::optional<double> service_s(std::size_t size, double quantile = kDefaultQuantile) const;
  /// The batch sizes observed so far, ascending.
  [[nodiscard]] const std::vector<std::size_t>& known_sizes() const { return known_; }
  /// The smallest estimate over the known sizes at `quantile`, s: the fastest any batch is
  /// expected to be. Empty before the first observation.
  [[nodiscard]] std::optional<double> fastest_s(double quantile = kDefaultQuantile) const;

 private:
  // The last observations of one size: `recent` in arrival order (a ring from `next`) and the
  // same values sorted, for quantiles in O(1).
  struct Size {
    std::vector<double> recent;
    std::vector<double> sorted;
    std::size_t next = 0;
  };
  [[nodiscard]] double quantile_of(std::size_t size, double quantile) const;

  std::size_t window_;
  std::vector<Size> sizes_;         // index size - 1
  std::vector<std::size_t> known_;  // sizes with at least one observation, ascending
};

}  // namespace greenbatch::batching
