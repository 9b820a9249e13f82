// The request ring: bound, order, wrap-around, close.
#include "greenbatch/batching/request_queue.h"

#include <gtest/gtest.h>

namespace greenbatch::batching {
namespace {

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

TEST(RequestQueue, ClosedQueueKeepsWhatWaits) {
  RequestQueue queue(2);
  EXPECT_TRUE(queue.push({1, 0.5}));
  queue.close();
  EXPECT_FALSE(queue.push({2, 0.6}));
  const auto view = queue.view();
  EXPECT_TRUE(view.closed);
  EXPECT_EQ(view.size, 1u);
  EXPECT_DOUBLE_EQ(*view.oldest_arrival_s, 0.5);
  std::vector<QueuedRequest> out;
  EXPECT_EQ(queue.pop(5, out), 1u);
  EXPECT_EQ(out[0].id, 1);
}

}  // namespace
}  // namespace greenbatch::batching
