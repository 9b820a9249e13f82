// The remote request row's columns and the fault names.
#include "greenbatch/remote/remote_request.h"

#include <array>

namespace greenbatch::remote {
namespace {

using Q = RemoteRequest;
constexpr std::array<Field<Q>, 12> kRemoteFields{{
    {"request_id", "", "0, 1, ... in schedule order", [](const Q& r) -> FieldValue { return r.id; }},
    {"scheduled_s", "s", "when the schedule says to send it", [](const Q& r) -> FieldValue { return r.scheduled_s; }},
    {"sent_s", "s", "when the client took it up to send (sent - scheduled is the send lateness)",
     [](const Q& r) -> FieldValue { return optional_value(r.sent_s); }},
    {"completed_s", "s", "when its answer was read",
     [](const Q& r) -> FieldValue { return optional_value(r.completed_s); }},
    {"http_status", "", "the answer's HTTP status (0: no answer)",
     [](const Q& r) -> FieldValue { return std::int64_t{r.http_status}; }},
    {"fault", "", "none, refused, reset, timeout, http or protocol",
     [](const Q& r) -> FieldValue { return std::string(to_string(r.fault)); }},
    {"server_queue_ms", "ms", "queue_ms the server reported",
     [](const Q& r) -> FieldValue { return optional_value(r.server_queue_ms); }},
    {"server_service_ms", "ms", "service_ms the server reported",
     [](const Q& r) -> FieldValue { return optional_value(r.server_service_ms); }},
    {"server_batch_size", "requests", "batch_size the server reported",
     [](const Q& r) -> FieldValue { return optional_value(r.server_batch_size); }},
    {"server_batch_id", "", "batch_id the server reported",
     [](const Q& r) -> FieldValue { return optional_value(r.server_batch_id); }},
    {"server_energy_j", "J", "energy_j the server reported (its share of its batch's energy)",
     [](const Q& r) -> FieldValue { return optional_value(r.server_energy_j); }},
    {"server_energy_source", "", "energy_source the server reported",
     [](const Q& r) -> FieldValue { return r.server_energy_source; }},
}};

}  // namespace

std::string_view to_string(Fault fault) {
  switch (fault) {
    case Fault::none:
      return "none";
    case Fault::refused:
      return "refused";
    case Fault::reset:
      return "reset";
    case Fault::timeout:
      return "timeout";
    case Fault::http:
      return "http";
    case Fault::protocol:
      return "protocol";
  }
  return "unknown";
}

FieldTable<RemoteRequest> fields(const RemoteRequest*) { return kRemoteFields; }

}  // namespace greenbatch::remote
