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
  std::vector<double> times;
  if (requests) {
    if (*requests <= 0) throw UsageError(fmt::format("request count {} is not a positive number", *requests));
    while (std::ssize(times) < *requests) {
      const auto t = process.next();
      if (!t) break;
      times.push_back(*t);
    }
    return times;
  }
  if (!std::isfinite(*duration_s) || *duration_s <= 0) {
    throw UsageError(fmt::format("duration {} s is not a positive number of seconds", *duration_s));
  }
  for (auto t = process.next(); t && *t < *duration_s; t = process.next()) times.push_back(*t);
  return times;
}

}  // namespace greenbatch::workload
