// recommend --verify: the winner run live and compared with its prediction.
#include "recommend_verify.h"

#include <fmt/format.h>

#include <optional>
#include <string>

#include "greenbatch/sim/knob_search.h"
#include "greenbatch/sim/profile_estimate.h"
#include "greenbatch/sim/validation.h"
#include "greenbatch/store/table.h"
#include "output.h"

namespace greenbatch::cli {
namespace {

// Notes on stderr each way the live backend and power knobs differ from the profiled ones.
void note_differences(const profile::ProfileCell& profiled, const engine::BackendInfo& live,
                      const knobs::KnobSettings& live_knobs) {
  const auto note = [](const char* what, const auto& profiled_value, const auto& live_value) {
    if (profiled_value == live_value) return;
    fmt::print(stderr, "verify: note: the live {} is {}, the profile's {}; the prediction assumes the profiled one\n",
               what, live_value, profiled_value);
  };
  note("model", profiled.model, live.model);
  note("device", profiled.device, live.device);
  note("thread count", profiled.threads, live.threads);
  note("weights", profiled.weights, live.weights);
  const auto power = [](const knobs::KnobSettings& k) { return k.any() ? sim::to_string(k) : "none"; };
  note("power knob setting", power(profiled.knobs), power(live_knobs));
}

// The error as `greenbatch validate` defines it: (predicted − measured) / measured.
std::vector<FieldValue> comparison_row(const char* metric, const std::optional<double>& predicted,
                                       const std::optional<double>& measured) {
  return {std::string(metric), optional_value(predicted), optional_value(measured),
          optional_value(sim::relative_error(measured, predicted)), sim::within_tolerance(measured, predicted)};
}

}  // namespace

nlohmann::ordered_json verify_winner(const profile::ProfileDocument& document, const sim::RecommendOptions& options,
                                     const sim::Candidate& winner, std::size_t queue_capacity,
                                     const LiveTrialFlags& live, std::ostream* text) {
  const auto predicted = sim::predict(document, options, winner.policy);
  auto settings = live_settings(live);
  settings.policy = winner.policy;
  settings.arrival = options.arrival;
  settings.requests = options.requests;
  settings.slo_ms = options.slo_ms;
  settings.queue_capacity = static_cast<std::int64_t>(queue_capacity);
  // The policy starts from the profile's latencies, as it did in the simulation.
  settings.estimate = sim::estimate_from_profile(profile::model_cells(document, options.model));
  const auto record = run_live(live, settings, [&](const engine::BackendInfo& info) {
    note_differences(profile::model_cells(document, options.model).front(), info, settings.knobs);
  });
  const auto& measured = record.summary;
  const auto measured_percentile = options.percentile == sim::SloPercentile::p95 ? measured.response_p95_ms
                                                                                 : measured.response_p99_ms;
  const bool meets = measured.rejected == 0 && measured_percentile && *measured_percentile <= options.slo_ms;

  store::Table table{{"metric", "predicted", "measured", "relative_error", "within_10_percent"}, {}};
  table.rows.push_back(comparison_row("response_p95_ms", predicted.response_p95_ms, measured.response_p95_ms));
  table.rows.push_back(comparison_row("response_p99_ms", predicted.response_p99_ms, measured.response_p99_ms));
  table.rows.push_back(comparison_row("response_mean_ms", predicted.response_mean_ms, measured.response_mean_ms));
  table.rows.push_back(
      comparison_row("energy_per_request_j", predicted.energy_per_request_j, measured.energy_per_request_j));
  const std::string predicted_source = "simulated from " + document.energy_source;
  if (text) {
    *text << fmt::format(
        "verify: {} live on {}, {} requests of {}: predicted (energy {}) against measured (energy "
        "{}, trial status {}); measured {} {} the SLO\n",
        winner.policy, record.config.model, record.requests.size(), record.config.arrival, predicted_source,
        measured.energy_source, trial::to_string(record.status), sim::to_string(options.percentile),
        meets ? "meets" : "misses");
    print(*text, table, Format::table, {}, 4);
  }
  check_backend_ok(record);
  return {{"policy", winner.policy},
          {"model", record.config.model},
          {"requests", record.requests.size()},
          {"trial_status", trial::to_string(record.status)},
          {"predicted_energy_source", predicted_source},
          {"measured_energy_source", measured.energy_source},
          {"measured_meets_slo", meets},
          {"comparison", store::to_json(table)}};
}

}  // namespace greenbatch::cli
