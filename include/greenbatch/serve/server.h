#pragma once
/// The inference server assembled: the bounded shared queue, the Open Inference Protocol
/// service, the HTTP server feeding it and one runtime worker thread draining it with a policy.

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <thread>

#include "greenbatch/batching/policy.h"
#include "greenbatch/batching/service_estimate.h"
#include "greenbatch/engine/backend.h"
#include "greenbatch/runtime/shared_queue.h"
#include "greenbatch/serve/http_server.h"
#include "greenbatch/serve/inference_service.h"

namespace greenbatch::serve {

/// How to serve.
struct ServerOptions {
  HttpServerOptions http;              ///< where to listen, limits and timeouts
  std::size_t queue_capacity = 1024;   ///< bound of the request queue (>= the policy's max batch)
  ServiceOptions service;              ///< model name, energy, recording
  double drain_timeout_s = 60.0;       ///< how long drain() waits for the answers to be written
  batching::ServiceEstimate estimate;  ///< service times known at start (e.g. from a profile); the worker feeds it
};

/// A running server. Life cycle: construct (binds; throws InputError when it cannot), start(),
/// drain() (once). Methods are called from one controlling thread. The backend and the policy
/// outlive it.
class Server {
 public:
  /// Binds the listening socket and loads the service (a torch model answers one probe batch to
  /// learn its number of classes).
  Server(engine::Backend& backend, const batching::Policy& policy, ServerOptions options);
  /// Drains if still running.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// The bound port.
  [[nodiscard]] std::uint16_t port() const { return http_.port(); }
  /// Starts the worker thread and the I/O threads.
  void start();
  /// Stops accepting (new infer requests are answered 503), lets the worker serve every request
  /// already queued, waits until every answer is written (at most drain_timeout_s), then stops
  /// the I/O threads. Returns whether every accepted request was answered in time.
  bool drain();
  /// The service (metrics, pending count).
  [[nodiscard]] const InferenceService& service() const { return service_; }
  /// The exception that stopped the worker early, if any (the queue was closed then).
  [[nodiscard]] std::exception_ptr worker_error() const { return worker_error_; }

 private:
  const batching::Policy& policy_;
  ServerOptions options_;
  std::chrono::steady_clock::time_point start_;
  runtime::SharedQueue queue_;
  InferenceService service_;
  HttpServer http_;
  batching::ServiceEstimate estimate_;
  std::thread worker_;
  std::exception_ptr worker_error_;
  bool drained_ = false;
};

}  // namespace greenbatch::serve
