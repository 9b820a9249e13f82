#pragma once
/// The runtime worker: the one batching loop of live trials and of `serve`. It waits on the
/// shared queue, asks the policy, pops the batch it chose, has it run, records its times and
/// feeds the service-time estimate. Where requests come from is the caller's business: they
/// arrive through SharedQueue::push from any thread.

#include <chrono>
#include <exception>
#include <functional>
#include <span>

#include "greenbatch/batching/policy.h"
#include "greenbatch/batching/service_estimate.h"
#include "greenbatch/core/request.h"
#include "greenbatch/runtime/shared_queue.h"

namespace greenbatch::runtime {

/// One batch as the worker ran it.
struct BatchRun {
  BatchRecord batch;  ///< id (0, 1, ... per run_worker call), size, times
  batching::DispatchReason reason = batching::DispatchReason::none;  ///< why the policy dispatched it
};

/// Runs one batch (its requests in queue order) to completion; throws when it fails.
using RunBatch = std::function<void(std::span<const batching::QueuedRequest> requests)>;
/// Told of each batch after it ran; `error` is null on success, else what run_batch threw.
using BatchDone = std::function<void(std::span<const batching::QueuedRequest> requests, const BatchRun& run,
                                     std::exception_ptr error)>;

/// The worker's clock: seconds since `start` on the steady clock (the trial's time base).
class WorkerClock {
 public:
  /// A clock whose zero is `start`.
  explicit WorkerClock(std::chrono::steady_clock::time_point start) : start_(start) {}
  /// Seconds since the start.
  [[nodiscard]] double now_s() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  /// The steady-clock time `s` seconds after the start.
  [[nodiscard]] std::chrono::steady_clock::time_point at(double s) const {
    return start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

/// Runs the batching loop on the calling thread until `queue` is closed and empty. Whenever the
/// queue changes or the policy's wake-up time comes, asks `policy` (with `estimate`), pops the
/// batch it chose, calls `run_batch`, then `batch_done`; a batch that ran without error feeds
/// `estimate` with (size, completion − dispatch). A failed batch does not stop the loop; an
/// exception thrown by `batch_done` does (it leaves run_worker; the queue is left as it is).
///
/// Threading: `run_batch` and `batch_done` are called on the calling thread, one batch at a
/// time; `estimate` belongs to this thread until run_worker returns (read it afterwards, not
/// during); `policy` is const; producers may push and close from any thread meanwhile.
void run_worker(SharedQueue& queue, const batching::Policy& policy, batching::ServiceEstimate& estimate,
                const WorkerClock& clock, const RunBatch& run_batch, const BatchDone& batch_done);

}  // namespace greenbatch::runtime
