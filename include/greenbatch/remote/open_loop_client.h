#pragma once
/// The open-loop HTTP client: sends each infer request at its scheduled time over a pool of
/// keep-alive connections driven by one Asio event loop (no thread per connection), never
/// waiting for answers before sending the next. Beyond the in-flight bound, due requests wait
/// in order and go out as answers free a slot: they are late, and their lateness is recorded,
/// never hidden by shifting the schedule.

#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "greenbatch/remote/remote_request.h"
#include "greenbatch/remote/target.h"

namespace greenbatch::remote {

/// One ready-to-send infer request body (shared by every request that carries it).
struct EncodedBody {
  std::string bytes;        ///< the JSON header, then the binary tensors
  std::size_t json_length;  ///< the JSON part's length (Inference-Header-Content-Length)
};

/// Where and how the client sends.
struct ClientOptions {
  Endpoint endpoint;                 ///< the server
  std::string infer_path;            ///< e.g. "/v2/models/m/infer" (the base path included)
  std::size_t max_in_flight = 1024;  ///< requests awaiting an answer at most (also the connection bound)
  double timeout_s = 30.0;           ///< a request unanswered this long is a timeout fault
};

/// Sends request i at `start` + schedule[i] s carrying bodies[i % bodies.size()] and returns one
/// record per request, on the clock that starts at `start`. Blocks the calling thread (it runs
/// the event loop) until every request is answered or failed. A request on a kept-alive
/// connection the server had closed is sent again once on a new connection (its sent time stays
/// the first). Faults are recorded per request, never thrown; throws InputError only when the
/// host cannot be resolved.
std::vector<RemoteRequest> run_open_loop(const ClientOptions& options, std::span<const double> schedule,
                                         std::span<const EncodedBody> bodies,
                                         std::chrono::steady_clock::time_point start);

}  // namespace greenbatch::remote
