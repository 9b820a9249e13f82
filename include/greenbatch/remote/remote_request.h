#pragma once
/// What the open-loop client saw of each request: when it was scheduled, sent and answered, the
/// HTTP status or the fault, and the figures the server reported about it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "greenbatch/core/fields.h"

namespace greenbatch::remote {

/// Why a request got no answer (or no good one).
enum class Fault {
  none,      ///< answered 200
  refused,   ///< the connection was refused (nothing listens: the server is down)
  reset,     ///< the connection broke before the answer (reset, closed: the server died or dropped it)
  timeout,   ///< no answer within the request timeout
  http,      ///< answered with a status other than 200 (see http_status)
  protocol,  ///< an answer that is not valid HTTP or not an inference response
};

/// The stable lower-case name of a fault ("none", "refused", ...).
std::string_view to_string(Fault fault);

/// One request of a remote trial, on the trial clock (s since its start).
struct RemoteRequest {
  std::int64_t id = 0;                            ///< 0, 1, ... in schedule order
  double scheduled_s = 0.0;                       ///< when the schedule says to send it
  std::optional<double> sent_s;                   ///< when the client took it up to send, on a kept-alive
                                                  ///< connection or a new one (null: never sent)
  std::optional<double> completed_s;              ///< when its whole answer was read (null: none)
  int http_status = 0;                            ///< the answer's status (0: no answer)
  Fault fault = Fault::none;                      ///< why it failed, or none
  std::optional<double> server_queue_ms;          ///< the server's `queue_ms` (arrival to batch start)
  std::optional<double> server_service_ms;        ///< the server's `service_ms` (its batch's service)
  std::optional<std::int64_t> server_batch_size;  ///< the server's `batch_size`
  std::optional<std::int64_t> server_batch_id;    ///< the server's `batch_id` (greenbatch serve reports it)
  std::optional<double> server_energy_j;          ///< the server's `energy_j`: its share of its batch's energy
  std::string server_energy_source;               ///< the server's `energy_source` ("" when not reported)
};

/// The columns of a remote request row.
FieldTable<RemoteRequest> fields(const RemoteRequest*);

}  // namespace greenbatch::remote
