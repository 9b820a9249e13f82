#pragma once
/// The bounded FIFO of requests waiting for a batch, as a plain ring: no locks and no waiting.
/// The live driver wraps it for threads (runtime::SharedQueue); the simulator uses it as is.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace greenbatch::batching {

/// A request waiting for a batch.
struct QueuedRequest {
  std::int64_t id = 0;     ///< the request's id
  double arrival_s = 0.0;  ///< when it entered the queue, on the trial's clock
};

/// What a policy sees of the queue.
struct QueueView {
  std::size_t size = 0;                    ///< requests waiting
  std::optional<double> oldest_arrival_s;  ///< arrival of the oldest waiting request
  bool closed = false;                     ///< no request will arrive any more
};

/// Bounded FIFO ring. push() never blocks: when full or closed it rejects the request (the
/// caller counts it). Not thread-safe: one owner, or a wrapper that locks.
class RequestQueue {
 public:
  /// A queue holding at most `capacity` (> 0) requests.
  explicit RequestQueue(std::size_t capacity);

  /// Appends `request`; false when the queue is full or closed (the request is rejected).
  bool push(const QueuedRequest& request);
  /// Moves the `n` oldest requests (fewer if fewer wait) to the end of `out`; returns how many.
  std::size_t pop(std::size_t n, std::vector<QueuedRequest>& out);
  /// Marks the end of arrivals: later pushes are rejected; waiting requests stay to be popped.
  void close() { closed_ = true; }
  /// The current state.
  [[nodiscard]] QueueView view() const;
  /// The bound given at construction.
  [[nodiscard]] std::size_t capacity() const { return ring_.size(); }

 private:
  std::vector<QueuedRequest> ring_;  // circular buffer of capacity() slots
  std::size_t head_ = 0;             // index of the oldest request
  std::size_t size_ = 0;
  bool closed_ = false;
};

}  // namespace greenbatch::batching
