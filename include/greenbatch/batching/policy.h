#pragma once
/// Batching policies. One policy, two clocks: a policy never reads a clock or sleeps; given `now`,
/// the queue's state and the service-time estimate it answers "dispatch n now" or "ask me again
/// at t (or at the next arrival)". The runtime worker and the simulator are its only drivers.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "greenbatch/batching/policy_spec.h"
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
  std::size_t dispatch = 0;                      ///< > 0: take this many oldest requests as one batch now
  std::optional<double> wake_at_s;               ///< when dispatch is 0: ask again at this time even if
                                                 ///< nothing arrives (null: only on the next arrival)
  DispatchReason reason = DispatchReason::none;  ///< why it dispatches (none when it waits)
};

/// A batching policy, made from its typed spec. Stateless between calls, so one object may serve
/// many trials; const and thread-safe.
class Policy {
 public:
  /// A policy with the settings of `spec` (resolved: every optional value filled in).
  explicit Policy(PolicySpec spec) : spec_(std::move(spec)) {}
  virtual ~Policy() = default;
  /// The decision at time `now_s` (trial clock) for queue state `queue`, given what is known of
  /// the service time of each batch size (`estimate`, fed by the driver).
  [[nodiscard]] virtual Decision decide(double now_s, const QueueView& queue,
                                        const ServiceEstimate& estimate) const = 0;
  /// The largest batch it ever dispatches.
  [[nodiscard]] std::size_t max_batch() const { return spec_.max_batch(); }
  /// The normalised spec, e.g. "fixed:8", "greedy:256", "dynamic:16,5,preferred=4|8", "slo:100,max=256".
  [[nodiscard]] std::string spec() const { return spec_.to_string(); }
  /// Its settings, typed.
  [[nodiscard]] const PolicySpec& settings() const { return spec_; }

 protected:
  const PolicySpec spec_;  ///< the settings, resolved
};

/// The policy `spec` describes; an slo spec without max gets kDefaultMaxBatch.
std::unique_ptr<Policy> make_policy(PolicySpec spec);
/// The policy that PolicySpec::parse(`spec`) describes (its errors: UsageError).
std::unique_ptr<Policy> make_policy(std::string_view spec);

}  // namespace greenbatch::batching
