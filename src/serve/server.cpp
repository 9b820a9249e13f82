// The server's life cycle: queue, service, HTTP server and the runtime worker thread.
#include "greenbatch/serve/server.h"

#include "greenbatch/runtime/worker.h"

namespace greenbatch::serve {
namespace {

ServerOptions with_policy(ServerOptions options, const batching::Policy& policy) {
  options.service.policy = policy.spec();
  return options;
}

}  // namespace

Server::Server(engine::Backend& backend, const batching::Policy& policy, ServerOptions options)
    : policy_(policy),
      options_(with_policy(std::move(options), policy)),
      start_(std::chrono::steady_clock::now()),
      queue_(options_.queue_capacity),
      service_(backend, queue_, options_.service, start_),
      http_(options_.http,
            [this](HttpRequest&& request, Responder respond) { service_.handle(std::move(request), respond); }),
      estimate_(std::move(options_.estimate)) {}

Server::~Server() {
  if (worker_.joinable()) drain();
}

void Server::start() {
  worker_ = std::thread([this] {
    try {
      runtime::run_worker(
          queue_, policy_, estimate_, runtime::WorkerClock(start_),
          [this](std::span<const batching::QueuedRequest> requests) { service_.run_batch(requests); },
          [this](std::span<const batching::QueuedRequest> requests, const runtime::BatchRun& run,
                 std::exception_ptr error) { service_.batch_done(requests, run.batch, error); });
    } catch (...) {
      worker_error_ = std::current_exception();
      queue_.close();
    }
  });
  http_.start();
}

bool Server::drain() {
  if (drained_) return true;
  drained_ = true;
  service_.stop_accepting();
  http_.stop_accepting();
  queue_.close();
  if (worker_.joinable()) worker_.join();
  if (worker_error_) service_.fail_pending("the batching worker stopped; the request was not served");
  const bool answered = http_.wait_answered(
      std::chrono::milliseconds(static_cast<std::int64_t>(options_.drain_timeout_s * 1e3)));
  http_.stop();
  return answered;
}

}  // namespace greenbatch::serve
