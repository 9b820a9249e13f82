#pragma once
/// The Open Inference Protocol service: routes HTTP requests, decodes and preprocesses infer
/// payloads on the I/O side, enqueues them in the bounded request queue, and — called by the
/// runtime worker with each batch the policy dispatched — runs the batch on the backend,
/// measures its energy window and answers every request in it.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "greenbatch/batching/request_queue.h"
#include "greenbatch/energy/baseline.h"
#include "greenbatch/energy/sampler.h"
#include "greenbatch/engine/backend.h"
#include "greenbatch/serve/http_server.h"
#include "greenbatch/serve/inference_protocol.h"
#include "greenbatch/serve/metrics.h"
#include "greenbatch/serve/traffic_recorder.h"

namespace greenbatch::serve {

/// What the service needs besides the backend and the queue.
struct ServiceOptions {
  std::string model_name;                  ///< the name in /v2/models/{name}
  energy::Sampler* sampler = nullptr;      ///< running sampler, or null: energy "none"
  energy::IdleBaseline idle;               ///< measured at start-up (may be empty)
  TrafficRecorder* recorder = nullptr;     ///< where served traffic is recorded (--db), or null
  double retry_after_s = 1.0;              ///< Retry-After of a 503
};

/// The model's signature as served: a torch model's image input and classes, or a 1x1x4 input
/// for the synthetic backend (whose time depends only on the batch size).
ModelSignature signature_of(engine::Backend& backend, const std::string& name);

/// The service. handle() runs on I/O threads, execute() on the worker thread; both are
/// thread-safe against each other. The backend and queue outlive it.
class InferenceService {
 public:
  /// Serves `backend` through `queue`; the server clock starts now.
  InferenceService(engine::Backend& backend, batching::RequestQueue& queue, ServiceOptions options);

  /// Routes one HTTP request and answers it (infer requests later, from execute()).
  void handle(HttpRequest&& request, const Responder& respond);
  /// Runs the batch of `requests` (popped from the queue) dispatched at `dispatch_s`, answers
  /// each request and returns the batch's record. A backend failure answers 500 to each request
  /// of the batch, is recorded, and the service goes on.
  BatchRecord execute(const std::vector<batching::QueuedRequest>& requests, double dispatch_s);
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
    InferRequest request;   // the input, preprocessed into request.input.tensor
    Responder respond;
    double arrival_s = 0.0;
  };
  void answer(const Responder& respond, HttpResponse response);
  void infer(const HttpRequest& http, const Responder& respond);
  HttpResponse route_get(const std::string& path);
  [[nodiscard]] MetricGauges gauges() const;
  const engine::ImageBatch& gather(const std::vector<Pending>& batch);
  std::vector<DomainJoules> joules(const energy::EnergyWindow& window) const;

  engine::Backend& backend_;
  batching::RequestQueue& queue_;
  ServiceOptions options_;
  ModelSignature signature_;
  engine::Preprocessing preprocessing_;
  std::chrono::steady_clock::time_point t0_;
  ServeMetrics metrics_;
  std::atomic<bool> draining_{false};
  std::atomic<std::int64_t> next_id_{0};
  mutable std::mutex pending_mutex_;
  std::unordered_map<std::int64_t, Pending> pending_;
  // Worker-only state: reusable input tensors per batch size, the last batch's energy mark.
  std::unordered_map<int, engine::ImageBatch> inputs_;
  std::optional<energy::EnergyMark> last_mark_;
  std::int64_t next_batch_ = 0;
};

}  // namespace greenbatch::serve
