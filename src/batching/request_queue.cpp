// The bounded request ring.
#include "greenbatch/batching/request_queue.h"

#include <algorithm>
#include <cassert>

namespace greenbatch::batching {

RequestQueue::RequestQueue(std::size_t capacity) : ring_(capacity) { assert(capacity > 0); }

bool RequestQueue::push(const QueuedRequest& request) {
  if (closed_ || size_ == ring_.size()) return false;
  const std::size_t slot = head_ + size_;
  ring_[slot < ring_.size() ? slot : slot - ring_.size()] = request;
  ++size_;
  return true;
}

std::size_t RequestQueue::pop(std::size_t n, std::vector<QueuedRequest>& out) {
  const std::size_t taken = std::min(n, size_);
  for (std::size_t i = 0; i < taken; ++i) {
    out.push_back(ring_[head_]);
    if (++head_ == ring_.size()) head_ = 0;
  }
  size_ -= taken;
  return taken;
}

QueueView RequestQueue::view() const {
  QueueView v{size_, std::nullopt, closed_};
  if (size_ > 0) v.oldest_arrival_s = ring_[head_].arrival_s;
  return v;
}

}  // namespace greenbatch::batching
