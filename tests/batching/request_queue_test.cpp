// The request queue: bound, order, close, waking the consumer, and concurrent use (also built
// with ThreadSanitizer as greenbatch_tsan_tests).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "greenbatch/batching/request_queue.h"

namespace greenbatch::batching {
namespace {

using std::chrono::steady_clock;

TEST(RequestQueue, FifoAndBoundedWithoutBlocking) {
  RequestQueue queue(3);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(queue.push({i, 0.1 * i}));
  EXPECT_FALSE(queue.push({3, 0.3}));  // full: rejected at once
  EXPECT_EQ(queue.view().size, 3u);
  EXPECT_DOUBLE_EQ(*queue.view().oldest_arrival_s, 0.0);
  std::vector<QueuedRequest> out;
  EXPECT_EQ(queue.pop(2, out), 2u);
  EXPECT_EQ(out[0].id, 0);
  EXPECT_EQ(out[1].id, 1);
  EXPECT_TRUE(queue.push({4, 0.4}));  // wraps around the ring
  EXPECT_EQ(queue.pop(10, out), 2u);
  EXPECT_EQ(out[2].id, 2);
  EXPECT_EQ(out[3].id, 4);
  EXPECT_FALSE(queue.view().oldest_arrival_s.has_value());
}

TEST(RequestQueue, CloseRejectsAndIsSeen) {
  RequestQueue queue(4);
  queue.close();
  EXPECT_TRUE(queue.view().closed);
  EXPECT_FALSE(queue.push({0, 0.0}));
}

TEST(RequestQueue, WaitReturnsOnPushAndOnDeadline) {
  RequestQueue queue(4);
  const auto seen = queue.view();
  const auto start = steady_clock::now();
  const auto timed_out = queue.wait_for_change(seen, start + std::chrono::milliseconds(5));
  EXPECT_EQ(timed_out.size, 0u);
  EXPECT_GE(steady_clock::now() - start, std::chrono::milliseconds(5));
  std::thread producer([&] { queue.push({7, 1.0}); });
  const auto changed = queue.wait_for_change(seen, steady_clock::now() + std::chrono::seconds(30));
  producer.join();
  EXPECT_EQ(changed.size, 1u);
}

TEST(RequestQueue, ConcurrentProducersLoseNothing) {
  // Two producers push 20 000 ids each into a small queue while one consumer pops batches;
  // every accepted id comes out exactly once, and accepted + rejected = pushed.
  constexpr int kPerProducer = 20000;
  RequestQueue queue(64);
  std::atomic<int> rejected{0};
  std::atomic<int> producers_left{2};
  const auto produce = [&](int first) {
    for (int i = first; i < first + kPerProducer; ++i) {
      if (!queue.push({i, 0.0})) ++rejected;
    }
    if (--producers_left == 0) queue.close();
  };
  std::thread a(produce, 0);
  std::thread b(produce, kPerProducer);
  std::vector<QueuedRequest> out;
  auto view = queue.view();
  while (!(view.closed && view.size == 0)) {
    queue.pop(8, out);
    view = queue.wait_for_change(queue.view(), steady_clock::now() + std::chrono::milliseconds(1));
  }
  a.join();
  b.join();
  queue.pop(1000, out);
  std::vector<std::int64_t> ids;
  for (const auto& r : out) ids.push_back(r.id);
  std::ranges::sort(ids);
  EXPECT_EQ(std::ranges::adjacent_find(ids), ids.end());  // no duplicates
  EXPECT_EQ(static_cast<int>(ids.size()) + rejected.load(), 2 * kPerProducer);
}

}  // namespace
}  // namespace greenbatch::batching
