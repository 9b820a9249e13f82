#pragma once
/// Batching policies. One policy, two clocks: a policy never reads a clock or sleeps; given `now`
/// and the queue's state it answers "dispatch n now" or "ask me again at t (or at the next
/// arrival)". The live trial and the simulator are its only drivers.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "greenbatch/batching/request_queue.h"

namespace greenbatch::batching {

/// A policy's answer, asked whenever the backend is free and the queue changed or a wake-up
/// time came.
struct Decision {
  std::size_t dispatch = 0;          ///< > 0: take this many oldest requests as one batch now
  std::optional<double> wake_at_s;   ///< when dispatch is 0: ask again at this time even if
                                     ///< nothing arrives (null: only on the next arrival)
};

/// A batching policy. Stateless between calls, so one object may serve many trials; const and
/// thread-safe.
class Policy {
 public:
  virtual ~Policy() = default;
  /// The decision at time `now_s` (trial clock) for queue state `queue`.
  [[nodiscard]] virtual Decision decide(double now_s, const QueueView& queue) const = 0;
  /// The largest batch it ever dispatches.
  [[nodiscard]] virtual std::size_t max_batch() const = 0;
  /// The normalised spec, e.g. "fixed:8", "greedy:256", "dynamic:16,5,preferred=4|8".
  [[nodiscard]] virtual std::string spec() const = 0;
};

/// Parses a policy spec:
///  - `fixed:B[,timeout=MS]`: wait for B requests; after the timeout since the oldest, or when
///    arrivals have ended, dispatch what is there (never drops a request);
///  - `greedy[:MAX]`: whenever the backend is free, dispatch everything waiting, 1..MAX (256);
///  - `dynamic:MAX,DELAY_MS[,preferred=a|b|c]`: Triton's dynamic batcher: the largest preferred
///    size available now, else up to MAX once the oldest has waited DELAY_MS (or MAX is reached).
/// Throws UsageError naming the problem (B < 1, a preferred size above MAX, a negative delay, an
/// unknown name: the message lists the valid ones).
std::unique_ptr<Policy> make_policy(std::string_view spec);

}  // namespace greenbatch::batching
