// The locked request queue and the worker's wait on it.
#include "greenbatch/runtime/shared_queue.h"

namespace greenbatch::runtime {

bool SharedQueue::push(const batching::QueuedRequest& request) {
  {
    const std::lock_guard lock(mutex_);
    if (!ring_.push(request)) return false;
  }
  changed_.notify_one();
  return true;
}

std::size_t SharedQueue::pop(std::size_t n, std::vector<batching::QueuedRequest>& out) {
  const std::lock_guard lock(mutex_);
  return ring_.pop(n, out);
}

void SharedQueue::close() {
  {
    const std::lock_guard lock(mutex_);
    ring_.close();
  }
  changed_.notify_all();
}

batching::QueueView SharedQueue::view() const {
  const std::lock_guard lock(mutex_);
  return ring_.view();
}

batching::QueueView SharedQueue::wait_for_change(const batching::QueueView& seen,
                                                 std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  changed_.wait_until(lock, deadline, [&] {
    const auto now = ring_.view();
    return now.size != seen.size || now.closed != seen.closed;
  });
  return ring_.view();
}

}  // namespace greenbatch::runtime
