#pragma once
// The policy classes behind make_policy (exposed for tests and the simulator's benchmarks). Each
// reads its settings from the typed spec it was made from.

#include "greenbatch/batching/policy.h"

namespace greenbatch::batching {

/// fixed:B[,timeout=MS]: batches of B; with a timeout, a partial batch leaves that long after
/// its oldest request arrived.
class FixedPolicy final : public Policy {
 public:
  using Policy::Policy;
  [[nodiscard]] Decision decide(double now_s, const QueueView& queue, const ServiceEstimate& estimate) const override;
};

/// greedy[:MAX]: everything waiting, up to MAX.
class GreedyPolicy final : public Policy {
 public:
  using Policy::Policy;
  [[nodiscard]] Decision decide(double now_s, const QueueView& queue, const ServiceEstimate& estimate) const override;
};

/// dynamic:MAX,DELAY_MS[,preferred=a|b|c]: up to MAX, holding the oldest request at most
/// DELAY_MS; preferred sizes go at once.
class DynamicPolicy final : public Policy {
 public:
  using Policy::Policy;
  [[nodiscard]] Decision decide(double now_s, const QueueView& queue, const ServiceEstimate& estimate) const override;
};

/// slo:MS[,max=B][,quantile=Q][,margin=MS]: holds requests as long as the oldest one's deadline
/// (arrival + MS − margin) allows, given the estimated service time (quantile Q) of the batch it
/// would dispatch; B waiting go at once. Rules, in order, with n waiting:
///  - arrivals ended: min(n, B) now (closed); n >= B: B now (full);
///  - no estimate yet (warm-up): min(n, B) now (ready), which teaches the estimate;
///  - now < deadline − s(n): wait, and ask again at deadline − s(n) (the latest safe time);
///  - else the largest k <= n with now + s(k) <= deadline now (deadline); when not even one fits,
///    the oldest can no longer make it and all n go at once (late): never dropped.
class SloPolicy final : public Policy {
 public:
  using Policy::Policy;
  [[nodiscard]] Decision decide(double now_s, const QueueView& queue, const ServiceEstimate& estimate) const override;
};

}  // namespace greenbatch::batching
