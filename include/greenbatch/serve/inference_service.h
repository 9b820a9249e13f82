#pragma once
/// The Open Inference Protocol service: routes HTTP requests, decodes and preprocesses infer
/// payloads on the I/O side, enqueues them in the bounded request queue, and — called by the
/// runtime worker with each batch the policy dispatched — runs the batch on the backend,
/// measures its energy window and answers every request in it. It holds no batching logic: the
/// runtime worker and the policy decide when and what to run.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "greenbatch/energy/baseline.h"
#include "greenbatch/energy/sampler.h"
#include "greenbatch/engine/backend.h"
#include "greenbatch/runtime/shared_queue.h"
#include "greenbatch/serve/http_server.h"
#include "greenbatch/serve/inference_protocol.h"
#include "greenbatch/serve/metrics.h"
#include "greenbatch/serve/traffic_recorder.h"

namespace greenbatch::serve {

/// What the service needs besides the backend and the queue.
struct ServiceOptions {
  std::string model_name;               ///< the name in /v2/models/{name}
  energy::Sampler* sampler = nullptr;   ///< running sampler, or null: energy "none"
  energy::IdleBaseline idle;            ///< measured at start-up (may be empty)
  TrafficRecorder* recorder = nullptr;  ///< where served traffic is recorded (--db), or null
  double retry_after_s = 1.0;           ///< Retry-After of a 503
  std::string policy;                   ///< the policy's spec, reported in the model metadata (set by Server)
};

/// The model's signature as served: a torch model's image input and classes, or a 1x1x4 input
/// for the synthetic backend (whose time depends only on the batch size).
ModelSignature signature_of(engine::Backend& backend, const std::string& name);

/// The service. handle() runs on I/O threads; run_batch() and batch_done() on the runtime
/// worker's thread (they are its callbacks); all are thread-safe against each other. The backend
/// and the queue outlive it; the server clock starts at `start` (the worker's clock too).
class InferenceService {
 public:
  /// Serves `backend` through `queue`.
  InferenceService(engine::Backend& backend, runtime::SharedQueue& queue, ServiceOptions options,
                   std::chrono::steady_clock::time_point start);

  /// Routes one HTTP request and answers it (infer requests later, from batch_done()).
  void handle(HttpRequest&& request, const Responder& respond);
  /// The worker's RunBatch: runs the batch of `requests` on the backend inside an energy window;
  /// throws what the backend throws.
  void run_batch(std::span<const batching::QueuedRequest> requests);
  /// The worker's BatchDone: answers each request of the batch (its logits and figures, or 500
  /// with the backend's error when `error` is set) and records it; the service goes on.
  void batch_done(std::span<const batching::QueuedRequest> requests, const BatchRecord& batch,
                  std::exception_ptr error);
  /// Answers 500 with `reason` to every accepted request the worker will not serve (after it
  /// stopped early); returns how many.
  std::size_t fail_pending(const std::string& reason);
  /// From now on infer requests are answered 503 (draining); the queue is not touched.
  void stop_accepting() { draining_ = true; }
  /// Seconds since the service started (the server clock requests and batches are timed on).
  [[nodiscard]] double now_s() const;
  /// The metrics (for tests and the exposition).
  [[nodiscard]] const ServeMetrics& metrics() const { return metrics_; }
  /// Infer requests accepted into the queue and not yet answered.
  [[nodiscard]] std::size_t pending() const;

 private:
  struct Pending {
    InferRequest request;  // the input, preprocessed into request.input.tensor
    Responder respond;
    double arrival_s = 0.0;
  };
  void answer(const Responder& respond, HttpResponse response);
  void infer(const HttpRequest& http, const Responder& respond);
  HttpResponse route_get(const std::string& path);
  [[nodiscard]] MetricGauges gauges() const;
  const engine::ImageBatch& gather();
  // The batch's energy (its window, and the idle window before it) into the metrics; returns
  // the per-request share.
  ResponseParameters account_batch(int size, bool failed);

  engine::Backend& backend_;
  runtime::SharedQueue& queue_;
  ServiceOptions options_;
  ModelSignature signature_;
  engine::Preprocessing preprocessing_;
  std::chrono::steady_clock::time_point t0_;
  ServeMetrics metrics_;
  std::atomic<bool> draining_{false};
  std::atomic<std::int64_t> next_id_{0};
  std::atomic<std::size_t> in_flight_{0};  // accepted, not yet answered
  mutable std::mutex pending_mutex_;
  std::unordered_map<std::int64_t, Pending> pending_;
  // Worker-only state: the batch in service, its scores and energy marks, reusable input
  // tensors per batch size, and the end of the previous batch (idle energy runs from there).
  std::vector<Pending> batch_;
  engine::Scores scores_;
  std::optional<energy::EnergyMark> begin_, end_, last_end_;
  std::unordered_map<int, engine::ImageBatch> inputs_;
};

}  // namespace greenbatch::serve
