#include "greenbatch/core/thread_cpus.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>

#include <thread>

namespace greenbatch {
namespace {

cpu_set_t thread_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  EXPECT_EQ(pthread_getaffinity_np(pthread_self(), sizeof set, &set), 0);
  return set;
}

// A thread pinned to one CPU (as OpenMP pins the thread that loads it) gets every startup CPU back.
TEST(ThreadCpus, APinnedThreadGetsTheStartupCpusBack) {
  cpu_set_t startup;
  CPU_ZERO(&startup);
  ASSERT_EQ(sched_getaffinity(0, sizeof startup, &startup), 0);
  if (CPU_COUNT(&startup) < 2) GTEST_SKIP() << "one CPU: nothing to pin away from";
  int first = 0;
  while (!CPU_ISSET(first, &startup)) ++first;

  std::thread([&] {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    ASSERT_EQ(pthread_setaffinity_np(pthread_self(), sizeof one, &one), 0);
    ASSERT_EQ(CPU_COUNT(&one), 1);
    use_startup_cpus();
    const cpu_set_t after = thread_cpus();
    EXPECT_TRUE(CPU_EQUAL(&after, &startup));
    EXPECT_EQ(CPU_COUNT(&after), CPU_COUNT(&startup));
  }).join();
}

}  // namespace
}  // namespace greenbatch
