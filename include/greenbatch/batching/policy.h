#pragma once
/// Batching policies. One policy, two clocks: a policy never reads a clock or sleeps; given `now`,
/// the queue's state and the service-time estimate it answers "dispatch n now" or "ask me again
/// at t (or at the next arrival)". The runtime worker and the simulator are its only drivers.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "greenbatch/batching/request_queue.h"
#include "greenbatch/batching/service_estimate.h"

namespace greenbatch::batching {

/// Why a policy dispatched a batch (the decision trace).
enum class DispatchReason {
  none,       ///< no dispatch: waiting
  full,       ///< the batch size the policy aims for is waiting (fixed B, dynamic/slo MAX)
  preferred,  ///< a preferred size of the dynamic policy is waiting
  timeout,    ///< the oldest request waited the policy's fixed delay or timeout
  deadline,   ///< waiting longer would make the oldest request miss its deadline
  late,       ///< the oldest request can no longer make its deadline: dispatched at once
  closed,     ///< arrivals have ended: the tail goes at once
  ready,      ///< the policy dispatches whatever waits (greedy; slo before any estimate)
};

/// The trace name of a reason ("full", "deadline", ...).
std::string_view to_string(DispatchReason reason);

/// A policy's answer, asked whenever the backend is free and the queue changed or a wake-up
/// time came.
struct Decision {
  std::size_t dispatch = 0;          ///< > 0: take this many oldest requests as one batch now
  std::optional<double> wake_at_s;   ///< when dispatch is 0: ask again at this time even if
                                     ///< nothing arrives (null: only on the next arrival)
  DispatchReason reason = DispatchReason::none;  ///< why it dispatches (none when it waits)
};

/// A batching policy. Stateless between calls, so one object may serve many trials; const and
/// thread-safe.
class Policy {
 public:
  virtual ~Policy() = default;
  /// The decision at time `now_s` (trial clock) for queue state `queue`, given what is known of
  /// the service time of each batch size (`estimate`, fed by the driver).
  [[nodiscard]] virtual Decision decide(double now_s, const QueueView& queue, const ServiceEstimate& estimate) const = 0;
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
