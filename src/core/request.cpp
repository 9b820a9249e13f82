// Column tables of RequestRecord and BatchRecord.
#include "greenbatch/core/request.h"

#include <array>

namespace greenbatch {
namespace {

using Q = RequestRecord;
constexpr std::array<Field<Q>, 8> kRequestFields{{
    {"request_id", "", "0, 1, ... in schedule order", [](const Q& r) -> FieldValue { return r.id; }},
    {"scheduled_s", "s", "arrival time the arrival process scheduled",
     [](const Q& r) -> FieldValue { return r.scheduled_s; }},
    {"arrival_s", "s", "time it entered the queue (the producer's lateness is arrival - scheduled)",
     [](const Q& r) -> FieldValue { return r.arrival_s; }},
    {"rejected", "", "the queue was full, so it was never served", [](const Q& r) -> FieldValue { return r.rejected; }},
    {"batch_id", "", "the batch that served it", [](const Q& r) -> FieldValue { return optional_value(r.batch_id); }},
    {"dispatch_s", "s", "time its batch was dispatched",
     [](const Q& r) -> FieldValue { return optional_value(r.dispatch_s); }},
    {"start_s", "s", "time its batch's service began",
     [](const Q& r) -> FieldValue { return optional_value(r.start_s); }},
    {"completion_s", "s", "time its result was ready",
     [](const Q& r) -> FieldValue { return optional_value(r.completion_s); }},
}};

using B = BatchRecord;
constexpr std::array<Field<B>, 5> kBatchFields{{
    {"batch_id", "", "0, 1, ... in dispatch order", [](const B& b) -> FieldValue { return b.id; }},
    {"size", "requests", "requests in the batch", [](const B& b) -> FieldValue { return std::int64_t{b.size}; }},
    {"dispatch_s", "s", "time the policy dispatched it", [](const B& b) -> FieldValue { return b.dispatch_s; }},
    {"start_s", "s", "time service began", [](const B& b) -> FieldValue { return b.start_s; }},
    {"end_s", "s", "time service ended", [](const B& b) -> FieldValue { return b.end_s; }},
}};

}  // namespace

FieldTable<RequestRecord> fields(const RequestRecord*) { return kRequestFields; }
FieldTable<BatchRecord> fields(const BatchRecord*) { return kBatchFields; }

}  // namespace greenbatch
