#pragma once
/// What happened to each request and each batch of a trial, on the trial's clock (seconds since
/// its start; the live clock or the simulator's virtual clock).

#include <cstdint>
#include <optional>

#include "greenbatch/core/fields.h"

namespace greenbatch {

/// One request's life: scheduled, released into the queue (or rejected), dispatched in a batch,
/// served, completed.
struct RequestRecord {
  std::int64_t id = 0;                   ///< 0, 1, ... in schedule order
  double scheduled_s = 0.0;              ///< when the arrival process scheduled it
  double arrival_s = 0.0;                ///< when it was released into the queue (>= scheduled)
  bool rejected = false;                 ///< the queue was full: never served
  std::optional<std::int64_t> batch_id;  ///< the batch that served it
  std::optional<double> dispatch_s;      ///< when the policy dispatched its batch
  std::optional<double> start_s;         ///< when its batch's service began (preprocessing included)
  std::optional<double> completion_s;    ///< when its batch's result was ready
};

/// One batch: its size and when it was dispatched, started and finished.
struct BatchRecord {
  std::int64_t id = 0;      ///< 0, 1, ... in dispatch order
  int size = 0;             ///< requests in the batch
  double dispatch_s = 0.0;  ///< when the policy dispatched it
  double start_s = 0.0;     ///< when service began
  double end_s = 0.0;       ///< when service ended
};

/// The columns of a request row.
FieldTable<RequestRecord> fields(const RequestRecord*);
/// The columns of a batch row.
FieldTable<BatchRecord> fields(const BatchRecord*);

}  // namespace greenbatch
