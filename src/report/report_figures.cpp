// The report's figures: energy and response time against policy, and a power trace.
#include "report_figures.h"

#include <algorithm>
#include <cctype>

namespace greenbatch::report {
namespace {

// Every policy of the groups, in policy order (the categorical axis).
std::vector<std::string> policies_of(const std::vector<const Group*>& groups) {
  std::vector<std::string> policies;
  for (const auto* g : groups) {
    for (const auto& c : g->cells) {
      if (std::ranges::find(policies, c.policy) == policies.end()) policies.push_back(c.policy);
    }
  }
  std::ranges::sort(policies, policy_before);
  return policies;
}

// The series of one estimate of every cell, positioned on `categories`.
Series estimate_series(const std::string& title, const Group& g, const std::vector<std::string>& categories,
                       std::optional<Estimate> PolicyCell::*member) {
  Series s{title, {}, {}, {}, {}, {}, true, false};
  for (const auto& c : g.cells) {
    const auto& e = c.*member;
    if (!e) continue;
    s.x.push_back(static_cast<double>(std::ranges::find(categories, c.policy) - categories.begin()));
    s.y.push_back(e->mean);
    s.y_low.push_back(e->low);
    s.y_high.push_back(e->high);
  }
  return s;
}

}  // namespace

std::string slug(const std::string& text) {
  std::string out;
  for (const char c : text) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

Figure energy_figure(const std::vector<const Group*>& model_groups) {
  const auto& model = model_groups.front()->model;
  Figure f{"energy_" + slug(model), "Energy per request: " + model, "batching policy",
           "energy per request (J, mean and 95% CI)", policies_of(model_groups), false, {}};
  for (const auto* g : model_groups) f.series.push_back(estimate_series(g->arrival, *g, f.categories, &PolicyCell::energy));
  return f;
}

Figure latency_figure(const Group& g) {
  Figure f{"latency_" + slug(g.model + " " + g.arrival), "Response time: " + g.model + ", " + g.arrival,
           "batching policy", "response time (ms, mean and 95% CI)", policies_of({&g}), false, {}};
  f.series = {estimate_series("p50", g, f.categories, &PolicyCell::p50),
              estimate_series("p95", g, f.categories, &PolicyCell::p95),
              estimate_series("max", g, f.categories, &PolicyCell::max)};
  return f;
}

Figure power_figure(const std::string& trial_label, const std::vector<store::TracePoint>& trace) {
  Figure f{"power_trace", "Power trace: " + trial_label, "time since the trial started (s)", "total power (W)", {},
           false, {}};
  Series s{"total power", {}, {}, {}, {}, {}, true, false};
  const double t0 = trace.empty() ? 0.0 : trace.front().time_s;
  for (const auto& p : trace) {
    if (!p.total_w) continue;
    s.x.push_back(p.time_s - t0);
    s.y.push_back(*p.total_w);
  }
  f.series = {s};
  return f;
}

Figure validation_figure(const Validation& validation) {
  Figure f{"validation", "Simulator against live trials", "live p95 response time (ms)",
           "simulated p95 response time (ms)", {}, false, {}};
  Series within{"within 10 %", {}, {}, {}, {}, {}, false, false};
  Series outside{"outside 10 %", {}, {}, {}, {}, {}, false, true};
  double largest = 0.0;
  for (const auto& r : validation.rows) {
    if (!r.live_p95_ms || !r.sim_p95_ms) continue;
    auto& s = r.within ? within : outside;
    s.x.push_back(*r.live_p95_ms);
    s.y.push_back(*r.sim_p95_ms);
    largest = std::max({largest, *r.live_p95_ms, *r.sim_p95_ms});
  }
  Series diagonal{"simulated = live", {0.0, largest}, {0.0, largest}, {}, {}, {}, true, false};
  f.series = {within, outside, diagonal};
  return f;
}

}  // namespace greenbatch::report
