// The shared request queue: waking the consumer, and concurrent use (also built with
// ThreadSanitizer as greenbatch_tsan_tests).
#include "greenbatch/runtime/shared_queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>

namespace greenbatch::runtime {
namespace {

using batching::QueuedRequest;
using std::chrono::steady_clock;

TEST(SharedQueue, WaitReturnsOnPushAndOnDeadline) {
  SharedQueue queue(4);
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

TEST(SharedQueue, ConcurrentProducersLoseNothing) {
  // Two producers push 20 000 ids each into a small queue while one consumer pops batches;
  // every accepted id comes out exactly once, and accepted + rejected = pushed.
  constexpr int kPerProducer = 20000;
  SharedQueue queue(64);
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
}  // namespace greenbatch::runtime
