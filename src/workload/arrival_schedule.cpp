// The arrival times of one trial, cut by request count or by duration.
#include <cmath>

#include <fmt/format.h>

#include "greenbatch/core/error.h"
#include "greenbatch/workload/arrival.h"

namespace greenbatch::workload {

std::vector<double> arrival_schedule(ArrivalProcess& process, std::optional<std::int64_t> requests,
                                     std::optional<double> duration_s) {
  if (requests.has_value() == duration_s.has_value()) {
    throw UsageError(fmt::format("a trial needs exactly one of a request count or a duration, got {}",
                                 requests ? "both" : "neither"));
  }
  if (requests && (*requests <= 0 || *requests > kMaxTrialRequests)) {
    throw UsageError(
        fmt::format("request count {} must be between 1 and {} (each request keeps a record of about "
                    "100 bytes); split longer runs into several trials",
                    *requests, kMaxTrialRequests));
  }
  if (duration_s && (!std::isfinite(*duration_s) || *duration_s <= 0 || *duration_s > kMaxTrialSeconds)) {
    throw UsageError(
        fmt::format("duration {} s must be > 0 and at most {:g} s (one week)", *duration_s, kMaxTrialSeconds));
  }
  const double horizon = duration_s.value_or(kMaxTrialSeconds);
  std::vector<double> times;
  for (auto t = process.next(); t; t = process.next()) {
    if (*t >= horizon) {
      if (duration_s) break;
      throw UsageError(fmt::format(
          "arrival {} is scheduled at {:.6g} s, past the trial clock's limit of {:g} s (one week): the rate is "
          "too low{}; raise the rate or give a trace in seconds from its start",
          times.size(), *t, kMaxTrialSeconds,
          *t > 1e9 ? ", or a trace holds epoch times (seconds or milliseconds since 1970)" : ""));
    }
    if (std::ssize(times) >= kMaxTrialRequests) {
      throw UsageError(
          fmt::format("the schedule holds more than {} requests (each keeps a record of about 100 "
                      "bytes); shorten the duration or lower the rate",
                      kMaxTrialRequests));
    }
    times.push_back(*t);
    if (requests && std::ssize(times) == *requests) break;
  }
  return times;
}

}  // namespace greenbatch::workload
