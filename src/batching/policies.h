#pragma once
// The policy classes behind make_policy (exposed for tests and the simulator's benchmarks).

#include <vector>

#include "greenbatch/batching/policy.h"

namespace greenbatch::batching {

/// fixed:B[,timeout=MS]
class FixedPolicy final : public Policy {
 public:
  /// Batches of `batch`; with a timeout, a partial batch leaves `timeout_ms` after its oldest arrived.
  FixedPolicy(std::size_t batch, std::optional<double> timeout_ms);
  [[nodiscard]] Decision decide(double now_s, const QueueView& queue, const ServiceEstimate& estimate) const override;
  [[nodiscard]] std::size_t max_batch() const override { return batch_; }
  [[nodiscard]] std::string spec() const override;

 private:
  std::size_t batch_;
  std::optional<double> timeout_ms_;
};

/// greedy[:MAX]
class GreedyPolicy final : public Policy {
 public:
  /// Everything waiting, up to `max`.
  explicit GreedyPolicy(std::size_t max);
  [[nodiscard]] Decision decide(double now_s, const QueueView& queue, const ServiceEstimate& estimate) const override;
  [[nodiscard]] std::size_t max_batch() const override { return max_; }
  [[nodiscard]] std::string spec() const override;

 private:
  std::size_t max_;
};

/// dynamic:MAX,DELAY_MS[,preferred=a|b|c]
class DynamicPolicy final : public Policy {
 public:
  /// Up to `max`, holding the oldest request at most `delay_ms`; `preferred` sizes go at once.
  DynamicPolicy(std::size_t max, double delay_ms, std::vector<std::size_t> preferred);
  [[nodiscard]] Decision decide(double now_s, const QueueView& queue, const ServiceEstimate& estimate) const override;
  [[nodiscard]] std::size_t max_batch() const override { return max_; }
  [[nodiscard]] std::string spec() const override;

 private:
  std::size_t max_;
  double delay_ms_;
  std::vector<std::size_t> preferred_;  // descending
};

}  // namespace greenbatch::batching
