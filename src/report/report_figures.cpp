// The report's figures as Vega-Lite specs: the energy–latency trade-off, the paper's figures
// against batch size, the power trace with batches, and the simulator's validation.
#include "report_figures.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

namespace greenbatch::report {
namespace {

using Json = nlohmann::ordered_json;

// The source note every energy figure carries; estimates are flagged on the figure itself.
std::string source_note(const std::string& source) {
  return is_estimate(source)
             ? fmt::format("energy source: {} — an ESTIMATE from a power model, not a measurement", source)
             : fmt::format("energy source: {} (measured)", source);
}

// How the figure draws uncertainty, from the repetitions of its cells.
std::string uncertainty_note(std::size_t fewest, std::size_t most) {
  if (most < kMinRepetitionsForInterval) {
    return fmt::format("{} repetition{} per policy (fewer than {}): each repetition is a point, no interval drawn",
                       most, most == 1 ? "" : "s", kMinRepetitionsForInterval);
  }
  if (fewest < kMinRepetitionsForInterval) {
    return fmt::format(
        "points with bars: mean and bootstrap 95 % CI (n ≥ {}); cells with fewer repetitions show "
        "each repetition, no interval",
        kMinRepetitionsForInterval);
  }
  return fmt::format("points: mean of {}–{} repetitions; bars: bootstrap 95 % CI", fewest, most);
}

Json axis(const std::string& field, const std::string& title, Json scale = {{"zero", true}}) {
  return {{"field", field}, {"type", "quantitative"}, {"title", title}, {"scale", std::move(scale)}};
}

Json tooltip(const std::string& field, const std::string& title, const char* format = nullptr) {
  Json t{{"field", field}, {"title", title}};
  if (format != nullptr) t["format"] = format;
  return t;
}

std::string interval_text(const std::optional<Estimate>& e) {
  if (!e) return "–";
  if (!e->low)
    return fmt::format("mean {:.4g} of {} (no interval: fewer than {})", e->mean, e->n, kMinRepetitionsForInterval);
  return fmt::format("mean {:.4g} of {}, 95 % CI [{:.4g}, {:.4g}]", e->mean, e->n, *e->low, *e->high);
}

// The rows one cell contributes: each repetition below kMinRepetitionsForInterval, else its mean
// with the interval. `x` and `y` read a trial; `ex` and `ey` are the cell's estimates.
template <class X, class Y>
void cell_rows(Json& rows, const PolicyCell& c, const Json& common, X x, Y y, const std::optional<Estimate>& ex,
               const std::optional<Estimate>& ey) {
  if (!ex || !ey) return;
  if (ey->low && ex->n >= kMinRepetitionsForInterval) {
    auto row = common;
    row["x"] = ex->mean;
    row["y"] = ey->mean;
    row["what"] = fmt::format("mean of {} repetitions", ey->n);
    row["ci"] = interval_text(ey);
    row["y_low"] = *ey->low;
    row["y_high"] = *ey->high;
    if (ex->low) {
      row["x_low"] = *ex->low;
      row["x_high"] = *ex->high;
    }
    rows.push_back(std::move(row));
    return;
  }
  for (const auto& t : c.trials) {
    const auto xv = x(t);
    const auto yv = y(t);
    if (!xv || !yv) continue;
    auto row = common;
    row["x"] = *xv;
    row["y"] = *yv;
    row["what"] = fmt::format("repetition {} of {} (trial {})", t.repetition + 1, c.trials.size(), t.trial_id);
    row["ci"] = fmt::format("none: {} repetitions, fewer than {}", c.trials.size(), kMinRepetitionsForInterval);
    rows.push_back(std::move(row));
  }
}

// Error bars for the rows that carry an interval; `x` encodes the position of vertical bars.
Json interval_layer(const std::string& low, const std::string& high, bool vertical, const Json& colour,
                    const Json& x = {{"field", "x"}, {"type", "quantitative"}}) {
  Json encoding = vertical
                      ? Json{{"x", x}, {"y", {{"field", low}, {"type", "quantitative"}}}, {"y2", {{"field", high}}}}
                      : Json{{"y", {{"field", "y"}, {"type", "quantitative"}}},
                             {"x", {{"field", low}, {"type", "quantitative"}}},
                             {"x2", {{"field", high}}}};
  encoding["color"] = colour;
  return {{"name", vertical ? "y_intervals" : "x_intervals"},
          {"data", points_data()},
          {"transform", {visible_rows(), {{"filter", fmt::format("isValid(datum.{})", low)}}}},
          {"mark", {{"type", "rule"}, {"strokeWidth", 1.5}}},
          {"encoding", std::move(encoding)}};
}

std::pair<std::size_t, std::size_t> repetition_range(const std::vector<const PolicyCell*>& cells) {
  std::size_t fewest = SIZE_MAX, most = 0;
  for (const auto* c : cells) {
    fewest = std::min(fewest, c->trials.size());
    most = std::max(most, c->trials.size());
  }
  return {fewest == SIZE_MAX ? 0 : fewest, most};
}

std::optional<double> energy_of(const TrialRow& t) { return t.energy_per_request_j; }
std::optional<double> dynamic_of(const TrialRow& t) { return t.dynamic_energy_per_request_j; }
std::optional<double> p95_of(const TrialRow& t) { return t.response_p95_ms; }

}  // namespace

std::string slug(const std::string& text) {
  std::string out;
  for (const char c : text) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

Figure tradeoff_figure(const Group& g) {
  const auto where = g.model + ", " + g.arrival + (g.knobs.empty() ? "" : ", " + g.knobs) +
                     (g.host.empty() ? "" : ", host " + g.host);
  std::vector<const PolicyCell*> cells;
  for (const auto& c : g.cells) cells.push_back(&c);
  const auto [fewest, most] = repetition_range(cells);
  Figure f{"tradeoff_" + slug(g.model + " " + g.arrival + (g.host.empty() ? "" : " " + g.host) +
                              (g.knobs.empty() ? "" : " " + g.knobs)),
           "Energy per request against p95 response time, " + where +
               ": one colour per policy; the line joins the Pareto front of the policy means (no other policy "
               "is both faster and more frugal)" +
               (g.slo_ms ? fmt::format("; the dashed line is the SLO ({:g} ms)", *g.slo_ms) : std::string()) +
               (g.recommended ? "; the recommended policy is labelled." : "."),
           figure_spec("Energy against tail latency: " + where,
                       {source_note(g.energy_source), uncertainty_note(fewest, most), "axes start at zero"}),
           0,
           {}};
  Json rows = Json::array();
  for (const auto& c : g.cells) {
    cell_rows(rows, c, {{"series", c.policy}, {"policy", c.policy}}, p95_of, energy_of, c.p95, c.energy);
  }
  const Json colour{{"field", "series"}, {"type", "nominal"}, {"title", "policy"}, {"sort", nullptr}};
  f.spec["layer"].push_back(interval_layer("y_low", "y_high", true, colour));
  f.spec["layer"].push_back(interval_layer("x_low", "x_high", false, colour));
  Json front = Json::array();
  for (const auto& policy : g.pareto) {
    const auto& c = *std::ranges::find(g.cells, policy, &PolicyCell::policy);
    front.push_back({{"policy", policy}, {"x", c.p95->mean}, {"y", c.energy->mean}});
  }
  f.spec["layer"].push_back({{"name", "front"},
                             {"data", {{"values", front}}},
                             {"mark", {{"type", "line"}, {"color", "#555"}, {"strokeWidth", 1}}},
                             {"encoding",
                              {{"x", {{"field", "x"}, {"type", "quantitative"}}},
                               {"y", {{"field", "y"}, {"type", "quantitative"}}},
                               {"order", {{"field", "x"}}}}}});
  add_points(f,
             {{"mark", {{"type", "point"}, {"filled", true}, {"size", 70}}},
              {"encoding",
               {{"x", axis("x", "p95 response time (ms)")},
                {"y", axis("y", fmt::format("energy per request (J, {})", g.energy_source))},
                {"color", colour},
                {"tooltip", Json::array({tooltip("policy", "policy"), tooltip("what", "point"),
                                         tooltip("x", "p95 response time (ms)", ".4g"),
                                         tooltip("y", "energy per request (J, " + g.energy_source + ")", ".4g"),
                                         tooltip("ci", "interval")})}}}},
             rows);
  if (g.slo_ms) {
    f.spec["layer"].push_back({{"name", "slo"},
                               {"data", {{"values", Json::array({{{"x", *g.slo_ms}}})}}},
                               {"mark", {{"type", "rule"}, {"strokeDash", {6, 4}}, {"color", "#c00"}}},
                               {"encoding", {{"x", {{"field", "x"}, {"type", "quantitative"}}}}}});
  }
  if (g.recommended) {
    const auto& c = *std::ranges::find(g.cells, *g.recommended, &PolicyCell::policy);
    f.spec["layer"].push_back(
        {{"name", "recommended"},
         {"data",
          {{"values",
            Json::array({{{"x", c.p95->mean}, {"y", c.energy->mean}, {"label", "recommended: " + c.policy}}})}}},
         {"layer",
          Json::array(
              {{{"mark", {{"type", "point"}, {"size", 320}, {"color", "#000"}, {"strokeWidth", 1.5}}}},
               {{"mark", {{"type", "text"}, {"align", "left"}, {"dx", 12}, {"dy", -10}, {"fontWeight", "bold"}}},
                {"encoding", {{"text", {{"field", "label"}}}}}}})},
         {"encoding",
          {{"x", {{"field", "x"}, {"type", "quantitative"}}}, {"y", {{"field", "y"}, {"type", "quantitative"}}}}}});
  }
  return f;
}

Figure batch_figure(const std::vector<const Group*>& groups, const std::string& metric) {
  const auto& first = *groups.front();
  const bool latency = metric == "latency";
  const std::string what = latency               ? "Response time"
                           : metric == "dynamic" ? "Dynamic energy per request"
                                                 : "Energy per request";
  const std::string y_title = latency
                                  ? "response time (ms)"
                                  : fmt::format("{} per request (J, {})",
                                                metric == "dynamic" ? "dynamic energy" : "energy", first.energy_source);
  std::vector<const PolicyCell*> cells;
  std::set<std::string> sources;
  for (const auto* g : groups) {
    sources.insert(g->energy_source);
    for (const auto& c : g->cells) cells.push_back(&c);
  }
  const auto [fewest, most] = repetition_range(cells);
  std::vector<std::string> notes{uncertainty_note(fewest, most), "y from zero; x: batch size on a log2 scale"};
  if (!latency) {
    for (const auto& s : sources) notes.insert(notes.begin(), source_note(s));
  }
  const auto where = first.model + (first.host.empty() ? "" : ", host " + first.host);
  const bool knobs = std::ranges::any_of(groups, [](const Group* g) { return !g->knobs.empty(); });
  Figure f{fmt::format("batch_{}_{}", metric, slug(first.model + (first.host.empty() ? "" : " " + first.host))),
           what + " against batch size, " + where + ": one colour per arrival process" +
               (knobs ? " and setting of the knobs that vary" : "") +
               "; filled marks joined by lines are fixed batch sizes, hollow "
               "marks are the other policies placed at the mean batch size they formed" +
               (latency ? "; the mark's shape is the statistic (p50, p95, max)." : "."),
           figure_spec(what + " against batch size: " + where, notes),
           0,
           {}};
  Json rows = Json::array();
  using Getter = std::optional<double> (*)(const TrialRow&);
  struct Statistic {
    const char* name;
    Getter get;
    std::optional<Estimate> PolicyCell::*estimate;
  };
  std::vector<Statistic> statistics;
  if (latency) {
    statistics = {{"p50", [](const TrialRow& t) { return t.response_p50_ms; }, &PolicyCell::p50},
                  {"p95", p95_of, &PolicyCell::p95},
                  {"max", [](const TrialRow& t) { return t.response_max_ms; }, &PolicyCell::max}};
  } else if (metric == "dynamic") {
    statistics = {{"dynamic energy", dynamic_of, &PolicyCell::dynamic_energy}};
  } else {
    statistics = {{"energy", energy_of, &PolicyCell::energy}};
  }
  for (const auto* g : groups) {
    for (const auto& c : g->cells) {
      const bool fixed = c.facts.fixed_batch.has_value();
      const auto batch = [&c](const TrialRow& t) -> std::optional<double> {
        if (c.facts.fixed_batch) return *c.facts.fixed_batch;
        return t.mean_batch_size > 0.0 ? std::optional<double>(t.mean_batch_size) : std::nullopt;
      };
      auto x_estimate = c.batch_size;
      if (fixed)
        x_estimate = Estimate{c.trials.size(), static_cast<double>(*c.facts.fixed_batch), std::nullopt, std::nullopt};
      for (const auto& s : statistics) {
        cell_rows(rows, c,
                  {{"series", g->arrival + (g->knobs.empty() ? "" : ", " + g->knobs)},
                   {"policy", c.policy},
                   {"fixed", fixed},
                   {"statistic", s.name}},
                  batch, s.get, x_estimate, c.*s.estimate);
      }
    }
  }
  const Json colour{{"field", "series"}, {"type", "nominal"}, {"title", knobs ? "arrival, knobs" : "arrival"}};
  double largest = 1.0;
  for (const auto& r : rows) largest = std::max(largest, r.at("x").get<double>());
  Json ticks = Json::array();
  for (int b = 1; b <= 2 * largest; b *= 2) ticks.push_back(b);
  auto x_axis = axis("x", "batch size (log2 scale)", {{"type", "log"}, {"base", 2}});
  x_axis["axis"] = {{"values", ticks}, {"format", "d"}};
  Json encoding{
      {"x", std::move(x_axis)},
      {"y", axis("y", y_title)},
      {"color", colour},
      {"fillOpacity", {{"condition", {{"test", "datum.fixed"}, {"value", 1}}}, {"value", 0}}},
      {"tooltip",
       Json::array({tooltip("policy", "policy"), tooltip("series", knobs ? "arrival, knobs" : "arrival"),
                    tooltip("statistic", "statistic"), tooltip("what", "point"), tooltip("x", "batch size", ".3g"),
                    tooltip("y", y_title, ".4g"), tooltip("ci", "interval")})}};
  if (latency) encoding["shape"] = {{"field", "statistic"}, {"type", "nominal"}, {"title", "statistic"}};
  f.spec["layer"].push_back(interval_layer("y_low", "y_high", true, colour));
  Json line_encoding{{"x", {{"field", "x"}, {"type", "quantitative"}}},
                     {"y", {{"aggregate", "mean"}, {"field", "y"}, {"type", "quantitative"}}},
                     {"color", colour},
                     {"detail", {{"field", "statistic"}}}};
  if (latency) line_encoding["strokeDash"] = {{"field", "statistic"}, {"type", "nominal"}, {"legend", nullptr}};
  f.spec["layer"].push_back({{"name", "lines"},
                             {"data", points_data()},
                             {"transform", {visible_rows(), {{"filter", "datum.fixed"}}}},
                             {"mark", {{"type", "line"}, {"strokeWidth", 1}}},
                             {"encoding", std::move(line_encoding)}});
  add_points(f,
             {{"mark", {{"type", "point"}, {"filled", true}, {"size", 60}, {"strokeWidth", 1.5}}},
              {"encoding", std::move(encoding)}},
             rows);
  return f;
}

Figure knob_figure(const std::vector<const KnobStudy*>& studies, Knob knob, const std::string& metric) {
  const auto& first = *studies.front();
  const bool energy = metric == "energy";
  const auto name = std::string(to_string(knob));
  std::vector<const PolicyCell*> cells;
  std::set<std::string> sources;
  std::set<KnobLevel> levels;
  for (const auto* s : studies) {
    sources.insert(s->energy_source);
    for (const auto& c : s->comparisons) {
      if (c.knob != knob) continue;
      for (const auto& l : c.levels) {
        cells.push_back(&l.cell);
        levels.insert(l.level);
      }
    }
  }
  const auto [fewest, most] = repetition_range(cells);
  std::vector<std::string> notes{
      uncertainty_note(fewest, most),
      fmt::format("y from zero; x: the levels of {} in order{}", name,
                  knob == Knob::threads || knob == Knob::precision ? "" : " (none: the machine's own setting)")};
  if (energy) {
    for (const auto& s : sources) notes.insert(notes.begin(), source_note(s));
  }
  const auto y_title = energy ? fmt::format("energy per request (J, {})", first.energy_source)
                              : std::string("p95 response time (ms)");
  const auto where = first.model + (first.host.empty() ? "" : ", host " + first.host);
  const auto what = energy ? std::string("Energy per request") : std::string("p95 response time");
  Figure f{fmt::format("knob_{}_{}_{}", metric, name, slug(first.model + (first.host.empty() ? "" : " " + first.host))),
           fmt::format("{} against {}, {}: one colour per policy{}", what, name, where,
                       studies.size() > 1 ? " and arrival process" : "") +
               (knob == Knob::precision ? "." : "; lines join the means of the ordered levels."),
           figure_spec(fmt::format("{} against {}: {}", what, name, where), notes),
           0,
           {}};
  Json order = Json::array();
  for (const auto& l : levels) order.push_back(l.value);
  const Json x{
      {"field", "level"}, {"type", "ordinal"}, {"sort", order}, {"title", name}, {"axis", {{"labelAngle", 0}}}};
  Json rows = Json::array();
  const auto y_of = energy ? energy_of : p95_of;
  for (const auto* s : studies) {
    for (const auto& c : s->comparisons) {
      if (c.knob != knob) continue;
      const auto series = c.policy + (studies.size() > 1 ? " at " + s->arrival : "") +
                          (c.fixed.empty() ? "" : " with " + c.fixed);
      for (const auto& l : c.levels) {
        const Estimate position{l.cell.trials.size(), 0.0, std::nullopt, std::nullopt};
        cell_rows(
            rows, l.cell, {{"series", series}, {"policy", c.policy}, {"level", l.level.value}},
            [](const TrialRow&) -> std::optional<double> { return 0.0; }, y_of, position,
            energy ? l.cell.energy : l.cell.p95);
      }
    }
  }
  for (auto& r : rows) r.erase("x");  // the level is the position
  const Json colour{{"field", "series"}, {"type", "nominal"}, {"title", "policy"}, {"sort", nullptr}};
  f.spec["layer"].push_back(interval_layer("y_low", "y_high", true, colour, x));
  if (knob != Knob::precision) {
    f.spec["layer"].push_back(
        {{"name", "lines"},
         {"data", points_data()},
         {"transform", {visible_rows()}},
         {"mark", {{"type", "line"}, {"strokeWidth", 1}}},
         {"encoding",
          {{"x", x}, {"y", {{"aggregate", "mean"}, {"field", "y"}, {"type", "quantitative"}}}, {"color", colour}}}});
  }
  add_points(f,
             {{"mark", {{"type", "point"}, {"filled", true}, {"size", 60}}},
              {"encoding",
               {{"x", x},
                {"y", axis("y", y_title)},
                {"color", colour},
                {"tooltip", Json::array({tooltip("series", "policy"), tooltip("level", name), tooltip("what", "point"),
                                         tooltip("y", y_title, ".4g"), tooltip("ci", "interval")})}}}},
             rows);
  return f;
}

std::vector<store::TracePoint> on_trial_clock(const std::vector<store::TracePoint>& samples, store::TraceClock clock) {
  std::vector<store::TracePoint> out;
  if (clock == store::TraceClock::trial) return samples;
  if (samples.empty()) return out;
  const double origin = samples.front().time_s;
  for (auto p : samples) {
    p.time_s -= origin;
    out.push_back(p);
  }
  return out;
}

Figure power_figure(const PowerTrace& trace) {
  Figure f{
      "power_trace",
      "Power trace of " + trace.label +
          ": total power over the trial's clock; each shaded band is a batch, from its start to its end "
          "(hover for its size).",
      figure_spec("Power and batches: " + trace.label,
                  trace.clock == store::TraceClock::trial
                      ? std::vector<std::string>{source_note(trace.source),
                                                 "power samples and batches on the trial's clock; power from zero"}
                      : std::vector<std::string>{source_note(trace.source),
                                                 "stored before the trial clock: time 0 is the first power sample,",
                                                 "so batch bands may be off by up to one sampling interval; power "
                                                 "from zero"}),
      0,
      {}};
  Json bands = Json::array();
  for (const auto& b : trace.batches) {
    bands.push_back({{"batch", b.id}, {"size", b.size}, {"start", b.start_s}, {"end", b.end_s}});
  }
  f.spec["layer"].push_back(
      {{"name", "bands"},
       {"data", {{"values", bands}}},
       {"mark", {{"type", "rect"}, {"color", "#E69F00"}, {"opacity", 0.25}}},
       {"encoding",
        {{"x", {{"field", "start"}, {"type", "quantitative"}}},
         {"x2", {{"field", "end"}}},
         {"tooltip", Json::array({tooltip("batch", "batch"), tooltip("size", "batch size"),
                                  tooltip("start", "start (s)", ".4f"), tooltip("end", "end (s)", ".4f")})}}}});
  Json rows = Json::array();
  for (const auto& p : on_trial_clock(trace.samples, trace.clock)) {
    if (p.total_w) rows.push_back({{"series", "total power"}, {"x", p.time_s}, {"y", *p.total_w}});
  }
  const auto power_title = fmt::format("total power (W, {})", trace.source);
  f.spec["layer"].push_back(
      {{"name", "line"},
       {"data", points_data()},
       {"transform", {visible_rows()}},
       {"mark", {{"type", "line"}, {"color", "#0072B2"}}},
       {"encoding",
        {{"x", {{"field", "x"}, {"type", "quantitative"}}}, {"y", {{"field", "y"}, {"type", "quantitative"}}}}}});
  add_points(f,
             {{"mark", {{"type", "point"}, {"filled", true}, {"size", 20}}},
              {"encoding",
               {{"x", axis("x", "time on the trial's clock (s)")},
                {"y", axis("y", power_title)},
                {"color", {{"field", "series"}, {"type", "nominal"}, {"title", "series"}}},
                {"tooltip", Json::array({tooltip("x", "time (s)", ".4f"), tooltip("y", power_title, ".4g")})}}}},
             rows);
  return f;
}

Figure validation_figure(const sim::Validation& validation) {
  Figure f{"validation",
           "Simulated against live p95 response time, one point per trial; the diagonal is perfect agreement.",
           figure_spec("Simulator against live trials",
                       {fmt::format("within: every compared figure within {:.0f} % of the live one",
                                    sim::kValidationTolerance * 100.0),
                        "axes start at zero"}),
           0,
           {}};
  Json rows = Json::array();
  double largest = 0.0;
  for (const auto& r : validation.rows) {
    if (!r.live_p95_ms || !r.sim_p95_ms) continue;
    rows.push_back({{"series", r.within ? "within" : "outside"},
                    {"x", *r.live_p95_ms},
                    {"y", *r.sim_p95_ms},
                    {"trial", r.trial_id},
                    {"policy", r.policy}});
    largest = std::max({largest, *r.live_p95_ms, *r.sim_p95_ms});
  }
  f.spec["layer"].push_back(
      {{"name", "diagonal"},
       {"data", {{"values", Json::array({{{"x", 0.0}, {"y", 0.0}}, {{"x", largest}, {"y", largest}}})}}},
       {"mark", {{"type", "line"}, {"color", "#888"}, {"strokeDash", {4, 4}}}},
       {"encoding",
        {{"x", {{"field", "x"}, {"type", "quantitative"}}}, {"y", {{"field", "y"}, {"type", "quantitative"}}}}}});
  add_points(
      f,
      {{"mark", {{"type", "point"}, {"filled", true}, {"size", 60}}},
       {"encoding",
        {{"x", axis("x", "live p95 response time (ms)")},
         {"y", axis("y", "simulated p95 response time (ms)")},
         {"color", {{"field", "series"}, {"type", "nominal"}, {"title", "agreement"}}},
         {"tooltip", Json::array({tooltip("trial", "trial"), tooltip("policy", "policy"),
                                  tooltip("x", "live p95 (ms)", ".4g"), tooltip("y", "simulated p95 (ms)", ".4g")})}}}},
      rows);
  return f;
}

}  // namespace greenbatch::report
