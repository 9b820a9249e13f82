// The bounded, non-blocking-push request queue.
#include "greenbatch/batching/request_queue.h"

#include <algorithm>
#include <cassert>

namespace greenbatch::batching {

RequestQueue::RequestQueue(std::size_t capacity) : ring_(capacity) { assert(capacity > 0); }

bool RequestQueue::push(const QueuedRequest& request) {
  {
    const std::lock_guard lock(mutex_);
    if (closed_ || size_ == ring_.size()) return false;
    ring_[(head_ + size_) % ring_.size()] = request;
    ++size_;
  }
  changed_.notify_one();
  return true;
}

std::size_t RequestQueue::pop(std::size_t n, std::vector<QueuedRequest>& out) {
  const std::lock_guard lock(mutex_);
  const std::size_t taken = std::min(n, size_);
  for (std::size_t i = 0; i < taken; ++i) out.push_back(ring_[(head_ + i) % ring_.size()]);
  head_ = (head_ + taken) % ring_.size();
  size_ -= taken;
  return taken;
}

void RequestQueue::close() {
  {
    const std::lock_guard lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
}

QueueView RequestQueue::view_locked() const {
  QueueView v{size_, std::nullopt, closed_};
  if (size_ > 0) v.oldest_arrival_s = ring_[head_].arrival_s;
  return v;
}

QueueView RequestQueue::view() const {
  const std::lock_guard lock(mutex_);
  return view_locked();
}

QueueView RequestQueue::wait_for_change(const QueueView& seen, std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  const auto unchanged = [&] { return size_ == seen.size && closed_ == seen.closed; };
  changed_.wait_until(lock, deadline, [&] { return !unchanged(); });
  return view_locked();
}

}  // namespace greenbatch::batching
