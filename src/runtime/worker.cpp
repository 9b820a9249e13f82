// The runtime worker's loop: wait, decide, pop, run, record, learn.
#include "greenbatch/runtime/worker.h"

#include <vector>

namespace greenbatch::runtime {

void run_worker(SharedQueue& queue, const batching::Policy& policy, batching::ServiceEstimate& estimate,
                const WorkerClock& clock, const RunBatch& run_batch, const BatchDone& batch_done) {
  std::vector<batching::QueuedRequest> taken;
  taken.reserve(policy.max_batch());
  std::int64_t next_id = 0;
  for (auto view = queue.view(); !(view.closed && view.size == 0); view = queue.view()) {
    const double now = clock.now_s();
    const auto decision = policy.decide(now, view, estimate);
    if (decision.dispatch == 0) {
      queue.wait_for_change(
          view, decision.wake_at_s ? clock.at(*decision.wake_at_s) : std::chrono::steady_clock::time_point::max());
      continue;
    }
    taken.clear();
    queue.pop(decision.dispatch, taken);
    BatchRun run{{next_id++, static_cast<int>(taken.size()), now, clock.now_s(), 0.0}, decision.reason};
    std::exception_ptr error;
    try {
      run_batch(taken);
    } catch (...) {
      error = std::current_exception();
    }
    run.batch.end_s = clock.now_s();
    if (!error) estimate.record(taken.size(), run.batch.end_s - run.batch.dispatch_s);
    batch_done(taken, run, error);
  }
}

}  // namespace greenbatch::runtime
