#include "greenbatch/core/thread_cpus.h"

#include <pthread.h>
#include <sched.h>

namespace greenbatch {

namespace {

struct StartupCpus {
  cpu_set_t set{};
  bool known = false;
  StartupCpus() { known = sched_getaffinity(0, sizeof set, &set) == 0; }
};

// Read during static initialisation, before main and so before any library pins the main thread.
const StartupCpus kStartupCpus;

}  // namespace

void use_startup_cpus() {
  if (kStartupCpus.known) pthread_setaffinity_np(pthread_self(), sizeof kStartupCpus.set, &kStartupCpus.set);
}

}  // namespace greenbatch
