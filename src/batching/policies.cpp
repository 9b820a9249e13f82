// The fixed, greedy, dynamic and slo batching policies.
#include "policies.h"

#include <algorithm>

namespace greenbatch::batching {
namespace {

// Rounding slack: slo wakes this much before its latest safe time, so that a batch started then
// and taking exactly its estimate ends at or before the deadline despite floating-point rounding
// (and a finish time within it of the deadline counts as meeting it).
constexpr double kRoundingSlackS = 1e-9;

}  // namespace

Decision FixedPolicy::decide(double now_s, const QueueView& queue, const ServiceEstimate& /*estimate*/) const {
  const std::size_t batch = *spec_.batch;
  if (queue.size >= batch) return {batch, std::nullopt, DispatchReason::full};
  if (queue.size == 0) return {};
  if (queue.closed) return {queue.size, std::nullopt, DispatchReason::closed};  // the tail: never dropped
  if (!spec_.delay_ms) return {};
  const double deadline = *queue.oldest_arrival_s + *spec_.delay_ms / 1e3;
  if (now_s >= deadline) return {queue.size, std::nullopt, DispatchReason::timeout};
  return {0, deadline};
}

Decision GreedyPolicy::decide(double /*now_s*/, const QueueView& queue, const ServiceEstimate& /*estimate*/) const {
  if (queue.size == 0) return {};
  const std::size_t max = max_batch();
  return {std::min(queue.size, max), std::nullopt, queue.size >= max ? DispatchReason::full : DispatchReason::ready};
}

Decision DynamicPolicy::decide(double now_s, const QueueView& queue, const ServiceEstimate& /*estimate*/) const {
  const std::size_t max = max_batch();
  if (queue.size == 0) return {};
  if (queue.size >= max) return {max, std::nullopt, DispatchReason::full};
  for (auto p = spec_.preferred.rbegin(); p != spec_.preferred.rend(); ++p) {  // largest first
    if (*p <= queue.size) return {*p, std::nullopt, DispatchReason::preferred};
  }
  if (queue.closed) return {queue.size, std::nullopt, DispatchReason::closed};
  const double deadline = *queue.oldest_arrival_s + spec_.delay_ms.value_or(0.0) / 1e3;
  if (now_s >= deadline) return {queue.size, std::nullopt, DispatchReason::timeout};
  return {0, deadline};
}

Decision SloPolicy::decide(double now_s, const QueueView& queue, const ServiceEstimate& estimate) const {
  const std::size_t n = queue.size;
  const std::size_t max = max_batch();
  if (n == 0) return {};
  if (queue.closed) return {std::min(n, max), std::nullopt, DispatchReason::closed};
  if (n >= max) return {max, std::nullopt, DispatchReason::full};
  if (!estimate.service_s(1, spec_.quantile)) return {n, std::nullopt, DispatchReason::ready};
  const auto service = [&](std::size_t k) { return *estimate.service_s(k, spec_.quantile); };
  const double deadline = *queue.oldest_arrival_s + (spec_.slo_ms - spec_.margin_ms) / 1e3;
  const double latest = deadline - service(n) - kRoundingSlackS;
  if (now_s < latest) return {0, latest};
  std::size_t k = n;
  const auto misses = [&](std::size_t size) { return now_s + service(size) > deadline + kRoundingSlackS; };
  while (k > 1 && misses(k)) --k;
  if (misses(k)) return {n, std::nullopt, DispatchReason::late};
  return {k, std::nullopt, DispatchReason::deadline};
}

std::unique_ptr<Policy> make_policy(PolicySpec spec) {
  switch (spec.family) {
    case PolicyFamily::fixed:
      return std::make_unique<FixedPolicy>(std::move(spec));
    case PolicyFamily::greedy:
      return std::make_unique<GreedyPolicy>(std::move(spec));
    case PolicyFamily::dynamic:
      return std::make_unique<DynamicPolicy>(std::move(spec));
    case PolicyFamily::slo:
      if (!spec.batch) spec.batch = kDefaultMaxBatch;
      return std::make_unique<SloPolicy>(std::move(spec));
  }
  return nullptr;
}

std::unique_ptr<Policy> make_policy(std::string_view spec) { return make_policy(PolicySpec::parse(spec)); }

}  // namespace greenbatch::batching
