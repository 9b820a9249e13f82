// Reading a trial's stored power trace and the clock it is on.
#include "greenbatch/store/result_store.h"

#include "sqlite_handle.h"

namespace greenbatch::store {

std::vector<TracePoint> ResultStore::power_trace(std::string_view trial_id) const {
  sqlite::Statement query(*db_, "SELECT time_s, total_w FROM power_samples WHERE trial_id = ?1 ORDER BY time_s");
  query.bind(1, std::string(trial_id));
  std::vector<TracePoint> points;
  while (query.step()) {
    const auto time = query.column(0);
    const auto total = query.column(1);
    TracePoint p;
    p.time_s = std::holds_alternative<double>(time) ? std::get<double>(time) : 0.0;
    if (std::holds_alternative<double>(total)) p.total_w = std::get<double>(total);
    points.push_back(p);
  }
  return points;
}

TraceClock ResultStore::trace_clock(std::string_view trial_id) const {
  sqlite::Statement query(*db_, "SELECT trace_clock FROM trials WHERE trial_id = ?1");
  query.bind(1, std::string(trial_id));
  if (!query.step()) return TraceClock::sampler;
  const auto clock = query.column(0);
  const auto* name = std::get_if<std::string>(&clock);
  return name != nullptr && *name == "trial" ? TraceClock::trial : TraceClock::sampler;
}

}  // namespace greenbatch::store
