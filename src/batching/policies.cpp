// The fixed, greedy and dynamic batching policies.
#include "policies.h"

#include <algorithm>

#include <fmt/format.h>

namespace greenbatch::batching {

FixedPolicy::FixedPolicy(std::size_t batch, std::optional<double> timeout_ms) : batch_(batch), timeout_ms_(timeout_ms) {}

Decision FixedPolicy::decide(double now_s, const QueueView& queue, const ServiceEstimate& /*estimate*/) const {
  if (queue.size >= batch_) return {batch_, std::nullopt, DispatchReason::full};
  if (queue.size == 0) return {};
  if (queue.closed) return {queue.size, std::nullopt, DispatchReason::closed};  // the tail: never dropped
  if (!timeout_ms_) return {};
  const double deadline = *queue.oldest_arrival_s + *timeout_ms_ / 1e3;
  if (now_s >= deadline) return {queue.size, std::nullopt, DispatchReason::timeout};
  return {0, deadline};
}

std::string FixedPolicy::spec() const {
  return timeout_ms_ ? fmt::format("fixed:{},timeout={:g}", batch_, *timeout_ms_) : fmt::format("fixed:{}", batch_);
}

GreedyPolicy::GreedyPolicy(std::size_t max) : max_(max) {}

Decision GreedyPolicy::decide(double /*now_s*/, const QueueView& queue, const ServiceEstimate& /*estimate*/) const {
  if (queue.size == 0) return {};
  return {std::min(queue.size, max_), std::nullopt, queue.size >= max_ ? DispatchReason::full : DispatchReason::ready};
}

std::string GreedyPolicy::spec() const { return fmt::format("greedy:{}", max_); }

DynamicPolicy::DynamicPolicy(std::size_t max, double delay_ms, std::vector<std::size_t> preferred)
    : max_(max), delay_ms_(delay_ms), preferred_(std::move(preferred)) {
  std::ranges::sort(preferred_, std::greater<>());
}

Decision DynamicPolicy::decide(double now_s, const QueueView& queue, const ServiceEstimate& /*estimate*/) const {
  if (queue.size == 0) return {};
  if (queue.size >= max_) return {max_, std::nullopt, DispatchReason::full};
  for (const std::size_t p : preferred_) {  // largest first
    if (p <= queue.size) return {p, std::nullopt, DispatchReason::preferred};
  }
  if (queue.closed) return {queue.size, std::nullopt, DispatchReason::closed};
  const double deadline = *queue.oldest_arrival_s + delay_ms_ / 1e3;
  if (now_s >= deadline) return {queue.size, std::nullopt, DispatchReason::timeout};
  return {0, deadline};
}

std::string DynamicPolicy::spec() const {
  std::string s = fmt::format("dynamic:{},{:g}", max_, delay_ms_);
  if (!preferred_.empty()) {
    std::vector<std::size_t> ascending(preferred_.rbegin(), preferred_.rend());
    s += fmt::format(",preferred={}", fmt::join(ascending, "|"));
  }
  return s;
}

}  // namespace greenbatch::batching
