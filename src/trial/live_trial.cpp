// The live trial: producer thread, the runtime worker, per-request and per-batch records, energy window.
#include "greenbatch/trial/live_trial.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <span>
#include <thread>

#include <fmt/format.h>

#include "greenbatch/core/thread_cpus.h"
#include "greenbatch/engine/preprocess.h"
#include "greenbatch/runtime/worker.h"

namespace greenbatch::trial {
namespace {

// Builds the input tensor of a batch: each request's image decoded and preprocessed into its
// slot (the work a server does per request), or zeros when there is no payload.
class BatchBuilder {
 public:
  BatchBuilder(const engine::Backend& backend, const Payload& payload)
      : payload_(payload), spec_(backend.preprocessing()), shape_(backend.input_shape()) {}

  const engine::ImageBatch& build(std::span<const batching::QueuedRequest> requests) {
    const int n = static_cast<int>(requests.size());
    auto it = batches_.find(n);
    if (it == batches_.end()) it = batches_.emplace(n, engine::ImageBatch::zeros(n, shape_)).first;
    if (!payload_.images.empty()) {
      for (int i = 0; i < n; ++i) {
        const auto& bytes = payload_.images[static_cast<std::size_t>(requests[i].id) % payload_.images.size()];
        engine::preprocess_into(engine::decode_image_bytes(bytes, payload_.label), spec_, it->second.image(i));
      }
    }
    return it->second;
  }

 private:
  const Payload& payload_;
  engine::Preprocessing spec_;
  engine::InputShape shape_;
  std::map<int, engine::ImageBatch> batches_;  // one reusable tensor per batch size
};

}  // namespace

TrialRecord run_live_trial(engine::Backend& backend, const batching::Policy& policy, const LiveTrialOptions& options) {
  TrialRecord record;
  const auto& schedule = options.schedule;
  record.requests.resize(schedule.size());
  // A queue never holds more than the schedule's requests, so a huge bound costs no memory.
  runtime::SharedQueue queue(std::max<std::size_t>(1, std::min(options.queue_capacity, schedule.size())));
  BatchBuilder builder(backend, options.payload);
  std::atomic<bool> stop{false};
  std::size_t released = 0;  // written by the producer, read after join

  std::optional<energy::EnergyMark> energy_begin;
  if (options.sampler) energy_begin = options.sampler->mark();
  const runtime::WorkerClock clock(std::chrono::steady_clock::now());
  // The trial clock's zero on the sampler's clock: samples and the energy window are stored on
  // the trial clock, the same time base as requests and batches.
  const double origin = options.sampler ? options.sampler->now() : 0.0;

  // The producer releases each request at its scheduled time; when late it records the lateness
  // and goes on with the schedule unchanged.
  std::thread producer([&] {
    use_startup_cpus();
    for (std::size_t i = 0; i < schedule.size() && !stop.load(std::memory_order_relaxed); ++i) {
      std::this_thread::sleep_until(clock.at(schedule[i]));
      auto& r = record.requests[i];
      r.id = static_cast<std::int64_t>(i);
      r.scheduled_s = schedule[i];
      r.arrival_s = clock.now_s();
      r.rejected = !queue.push({r.id, r.arrival_s});
      released = i + 1;
    }
    queue.close();
  });

  batching::ServiceEstimate estimate = options.estimate;
  const auto run_batch = [&](std::span<const batching::QueuedRequest> batch) {
    backend.run_discard(builder.build(batch));
  };
  const auto batch_done = [&](std::span<const batching::QueuedRequest> batch, const runtime::BatchRun& run,
                              std::exception_ptr error) {
    if (error) std::rethrow_exception(error);
    record.batches.push_back(run.batch);
    if (options.dispatch_reasons) options.dispatch_reasons->push_back(run.reason);
    for (const auto& q : batch) {
      auto& r = record.requests[static_cast<std::size_t>(q.id)];
      r.batch_id = run.batch.id;
      r.dispatch_s = run.batch.dispatch_s;
      r.start_s = run.batch.start_s;
      r.completion_s = run.batch.end_s;
    }
  };
  try {
    runtime::run_worker(queue, policy, estimate, clock, run_batch, batch_done);
  } catch (const std::exception& e) {
    stop = true;
    record.status = TrialStatus::backend_failed;
    record.status_detail = e.what();
  }
  producer.join();
  record.requests.resize(released);  // after a failure, requests never released are not reported

  energy::EnergyWindow window;
  if (options.sampler) {
    const auto end = options.sampler->mark();
    window = options.sampler->window(*energy_begin, end);
    record.power_domains = options.sampler->domains();
    record.power_trace = options.sampler->trace(energy_begin->time_s, end.time_s);
    for (auto& sample : record.power_trace) sample.time_s -= origin;
    record.energy_window = {energy_begin->time_s - origin, end.time_s - origin};
    if (window.status == energy::WindowStatus::meter_failed && record.status == TrialStatus::ok) {
      record.status = TrialStatus::meter_failed;
      record.status_detail = window.detail;
    }
  } else {
    window.status = energy::WindowStatus::no_meter;
    window.source = "none";
  }
  record.summary = metrics::summarize(record.requests, record.batches, window, options.idle, options.slo_ms);
  return record;
}

}  // namespace greenbatch::trial
