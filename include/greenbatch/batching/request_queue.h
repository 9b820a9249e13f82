#pragma once
/// The bounded request queue between the producer (arrivals) and the worker (batches).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

namespace greenbatch::batching {

/// A request waiting for a batch.
struct QueuedRequest {
  std::int64_t id = 0;      ///< the request's id
  double arrival_s = 0.0;   ///< when it entered the queue, on the trial's clock
};

/// What a policy sees of the queue.
struct QueueView {
  std::size_t size = 0;                   ///< requests waiting
  std::optional<double> oldest_arrival_s; ///< arrival of the oldest waiting request
  bool closed = false;                    ///< no request will arrive any more
};

/// Thread-safe bounded FIFO. push() never blocks: when full it rejects the request (the caller
/// counts it). One or more producers, one consumer; all methods may be called from any thread.
class RequestQueue {
 public:
  /// A queue holding at most `capacity` (> 0) requests.
  explicit RequestQueue(std::size_t capacity);

  /// Appends `request`; false when the queue is full or closed (the request is rejected).
  bool push(const QueuedRequest& request);
  /// Moves the `n` oldest requests (fewer if fewer wait) to the end of `out`; returns how many.
  std::size_t pop(std::size_t n, std::vector<QueuedRequest>& out);
  /// Marks the end of arrivals and wakes the consumer.
  void close();
  /// The current state.
  [[nodiscard]] QueueView view() const;
  /// Blocks until the queue differs from `seen` (a push, a pop or close) or `deadline` passes;
  /// returns the state then.
  QueueView wait_for_change(const QueueView& seen, std::chrono::steady_clock::time_point deadline);
  /// The bound given at construction.
  [[nodiscard]] std::size_t capacity() const { return ring_.size(); }

 private:
  [[nodiscard]] QueueView view_locked() const;

  std::vector<QueuedRequest> ring_;  // circular buffer of capacity() slots
  std::size_t head_ = 0;             // index of the oldest request
  std::size_t size_ = 0;
  bool closed_ = false;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
};

}  // namespace greenbatch::batching
