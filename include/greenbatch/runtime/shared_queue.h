#pragma once
/// The request queue shared between producer threads (scheduled arrivals, HTTP handlers) and the
/// runtime worker: the batching ring behind a lock, plus the worker's blocking wait.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "greenbatch/batching/request_queue.h"

namespace greenbatch::runtime {

/// Thread-safe bounded FIFO. push() never blocks: when full or closed it rejects the request
/// (the caller counts it). Any number of producers, one consumer; every method may be called
/// from any thread.
class SharedQueue {
 public:
  /// A queue holding at most `capacity` (> 0) requests.
  explicit SharedQueue(std::size_t capacity) : ring_(capacity) {}

  /// Appends `request` and wakes the consumer; false when the queue is full or closed.
  bool push(const batching::QueuedRequest& request);
  /// Moves the `n` oldest requests (fewer if fewer wait) to the end of `out`; returns how many.
  std::size_t pop(std::size_t n, std::vector<batching::QueuedRequest>& out);
  /// Marks the end of arrivals and wakes the consumer; waiting requests stay to be popped.
  void close();
  /// The current state.
  [[nodiscard]] batching::QueueView view() const;
  /// Blocks until the queue differs from `seen` (a push, a pop or close) or `deadline` passes;
  /// returns the state then.
  batching::QueueView wait_for_change(const batching::QueueView& seen, std::chrono::steady_clock::time_point deadline);
  /// The bound given at construction.
  [[nodiscard]] std::size_t capacity() const { return ring_.capacity(); }

 private:
  batching::RequestQueue ring_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
};

}  // namespace greenbatch::runtime
