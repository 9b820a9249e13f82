// The trial row's columns, the configuration's JSON and status names.
#include "greenbatch/trial/trial_record.h"

#include <array>

#include <nlohmann/json.hpp>

#include "greenbatch/core/json_optional.h"

namespace greenbatch::trial {
namespace {

using R = TrialRecord;
constexpr std::array<Field<R>, 58> kFields{{
    {"trial_id", "", "unique id: a hash of the resolved configuration",
     [](const R& r) -> FieldValue { return r.trial_id; }},
    {"started_at", "", "UTC start time, ISO 8601", [](const R& r) -> FieldValue { return r.started_at; }},
    {"status", "", "ok, or what went wrong (meter_failed, ...)",
     [](const R& r) -> FieldValue { return std::string(to_string(r.status)); }},
    {"status_detail", "", "details of a non-ok status", [](const R& r) -> FieldValue { return r.status_detail; }},
    {"model", "", "zoo name, model file or synthetic spec", [](const R& r) -> FieldValue { return r.config.model; }},
    {"backend", "", "torch or synthetic", [](const R& r) -> FieldValue { return r.config.backend; }},
    {"device", "", "cpu or cuda:N", [](const R& r) -> FieldValue { return r.config.device; }},
    {"threads", "", "intra-op threads", [](const R& r) -> FieldValue { return std::int64_t{r.config.threads}; }},
    {"weights", "", "random(seed=N), a file, or none", [](const R& r) -> FieldValue { return r.config.weights; }},
    {"policy", "", "batching policy, normalised", [](const R& r) -> FieldValue { return r.config.policy; }},
    {"arrival", "", "arrival process, normalised", [](const R& r) -> FieldValue { return r.config.arrival; }},
    {"requests_planned", "", "requests asked for (null when a duration was given)",
     [](const R& r) -> FieldValue { return optional_value(r.config.requests); }},
    {"duration_planned_s", "s", "scheduling horizon asked for (null when a count was given)",
     [](const R& r) -> FieldValue { return optional_value(r.config.duration_s); }},
    {"seed", "", "seed of arrivals and generated images",
     [](const R& r) -> FieldValue { return static_cast<std::int64_t>(r.config.seed); }},
    {"slo_ms", "ms", "response-time objective",
     [](const R& r) -> FieldValue { return optional_value(r.config.slo_ms); }},
    {"queue_capacity", "requests", "bound of the request queue",
     [](const R& r) -> FieldValue { return r.config.queue_capacity; }},
    {"images", "", "image folder, generated, or none", [](const R& r) -> FieldValue { return r.config.images; }},
    {"meter", "", "meters used", [](const R& r) -> FieldValue { return r.config.meter; }},
    {"idle_seconds", "s", "idle baseline length", [](const R& r) -> FieldValue { return r.config.idle_seconds; }},
    {"requests", "", "requests scheduled", [](const R& r) -> FieldValue { return r.summary.requests; }},
    {"served", "", "requests completed", [](const R& r) -> FieldValue { return r.summary.served; }},
    {"rejected", "", "requests refused by the full queue", [](const R& r) -> FieldValue { return r.summary.rejected; }},
    {"batches", "", "batches run", [](const R& r) -> FieldValue { return r.summary.batches; }},
    {"duration_s", "s", "first arrival to last completion",
     [](const R& r) -> FieldValue { return r.summary.duration_s; }},
    {"throughput_rps", "requests/s", "served / duration",
     [](const R& r) -> FieldValue { return r.summary.throughput_rps; }},
    {"mean_batch_size", "requests", "served / batches",
     [](const R& r) -> FieldValue { return r.summary.mean_batch_size; }},
    {"response_mean_ms", "ms", "mean of completion - arrival",
     [](const R& r) -> FieldValue { return optional_value(r.summary.response_mean_ms); }},
    {"response_p50_ms", "ms", "median response time",
     [](const R& r) -> FieldValue { return optional_value(r.summary.response_p50_ms); }},
    {"response_p90_ms", "ms", "90th percentile response time",
     [](const R& r) -> FieldValue { return optional_value(r.summary.response_p90_ms); }},
    {"response_p95_ms", "ms", "95th percentile response time",
     [](const R& r) -> FieldValue { return optional_value(r.summary.response_p95_ms); }},
    {"response_p99_ms", "ms", "99th percentile response time",
     [](const R& r) -> FieldValue { return optional_value(r.summary.response_p99_ms); }},
    {"response_max_ms", "ms", "longest response time",
     [](const R& r) -> FieldValue { return optional_value(r.summary.response_max_ms); }},
    {"wait_mean_ms", "ms", "mean of start - arrival (queueing)",
     [](const R& r) -> FieldValue { return optional_value(r.summary.wait_mean_ms); }},
    {"wait_p95_ms", "ms", "95th percentile queueing time",
     [](const R& r) -> FieldValue { return optional_value(r.summary.wait_p95_ms); }},
    {"service_mean_ms", "ms", "mean of completion - start (service)",
     [](const R& r) -> FieldValue { return optional_value(r.summary.service_mean_ms); }},
    {"service_p95_ms", "ms", "95th percentile service time",
     [](const R& r) -> FieldValue { return optional_value(r.summary.service_p95_ms); }},
    {"lateness_max_ms", "ms", "worst arrival - scheduled of the producer",
     [](const R& r) -> FieldValue { return r.summary.lateness_max_ms; }},
    {"late_requests", "", "requests released more than 1 ms late",
     [](const R& r) -> FieldValue { return r.summary.late_requests; }},
    {"slo_attainment", "", "share of scheduled requests served within slo_ms (rejected ones miss)",
     [](const R& r) -> FieldValue { return optional_value(r.summary.slo_attainment); }},
    {"energy_source", "", "rapl, perf, nvml, estimate (a model, not a measurement), joined with +, or none",
     [](const R& r) -> FieldValue { return r.summary.energy_source; }},
    {"energy_status", "", "ok, short_window, meter_failed or no_meter",
     [](const R& r) -> FieldValue { return r.summary.energy_status; }},
    {"energy_j", "J", "energy from the first arrival to the last completion",
     [](const R& r) -> FieldValue { return optional_value(r.summary.energy_j); }},
    {"static_energy_j", "J", "idle power x duration",
     [](const R& r) -> FieldValue { return optional_value(r.summary.static_energy_j); }},
    {"dynamic_energy_j", "J", "energy - static energy",
     [](const R& r) -> FieldValue { return optional_value(r.summary.dynamic_energy_j); }},
    {"energy_per_request_j", "J", "energy / served",
     [](const R& r) -> FieldValue { return optional_value(r.summary.energy_per_request_j); }},
    {"dynamic_energy_per_request_j", "J", "dynamic energy / served",
     [](const R& r) -> FieldValue { return optional_value(r.summary.dynamic_energy_per_request_j); }},
    {"idle_power_w", "W", "idle power measured before the trial",
     [](const R& r) -> FieldValue { return optional_value(r.summary.idle_power_w); }},
    {"avg_power_w", "W", "energy / duration",
     [](const R& r) -> FieldValue { return optional_value(r.summary.avg_power_w); }},
    {"peak_power_w", "W", "highest sampled power",
     [](const R& r) -> FieldValue { return optional_value(r.summary.peak_power_w); }},
    {"energy_by_domain_j", "J", "energy per domain, name=joules separated by ';'",
     [](const R& r) -> FieldValue { return r.summary.energy_by_domain_j; }},
    {"study_id", "", "the study it belongs to (null for `greenbatch run`)",
     [](const R& r) -> FieldValue { return optional_value(r.study_id); }},
    {"repetition", "", "repetition within the study, 0-based",
     [](const R& r) -> FieldValue { return optional_value(r.repetition); }},
    {"position", "", "place in the study's running order, 0-based",
     [](const R& r) -> FieldValue { return optional_value(r.position); }},
    {"target", "", "remote: the server's URL (null: in-process)",
     [](const R& r) -> FieldValue { return optional_value(r.config.target); }},
    {"server_energy_j", "J", "remote: sum of the per-request energy_j the server reported (its batches' energy)",
     [](const R& r) -> FieldValue { return r.remote ? optional_value(r.remote->server_energy_j) : FieldValue{}; }},
    {"server_energy_source", "", "remote: the server's energy_source (estimate is a model, not a measurement)",
     [](const R& r) -> FieldValue { return r.remote ? FieldValue{r.remote->server_energy_source} : FieldValue{}; }},
    {"request_faults", "", "remote: failed requests per kind (refused, reset, timeout, http_CODE, protocol)",
     [](const R& r) -> FieldValue { return r.remote ? FieldValue{r.remote->request_faults} : FieldValue{}; }},
    {"energy_scope", "", "remote: what energy_j covers (this machine's meters: the server only when it runs here)",
     [](const R& r) -> FieldValue { return r.remote ? FieldValue{r.remote->energy_scope} : FieldValue{}; }},
}};

}  // namespace

std::string config_json(const TrialConfig& c) {
  nlohmann::ordered_json json = {
      {"model", c.model},
      {"backend", c.backend},
      {"device", c.device},
      {"threads", c.threads},
      {"weights", c.weights},
      {"policy", c.policy},
      {"arrival", c.arrival},
      {"requests", json_or_null(c.requests)},
      {"duration_s", json_or_null(c.duration_s)},
      {"seed", c.seed},
      {"slo_ms", json_or_null(c.slo_ms)},
      {"queue_capacity", c.queue_capacity},
      {"images", c.images},
      {"meter", c.meter},
      {"idle_seconds", c.idle_seconds},
  };
  if (c.target) json["target"] = *c.target;
  return json.dump();
}

FieldTable<TrialRecord> fields(const TrialRecord*) { return kFields; }

std::string_view to_string(TrialStatus status) {
  switch (status) {
    case TrialStatus::ok:
      return "ok";
    case TrialStatus::backend_failed:
      return "backend_failed";
    case TrialStatus::meter_failed:
      return "meter_failed";
    case TrialStatus::requests_failed:
      return "requests_failed";
    case TrialStatus::server_failed:
      return "server_failed";
  }
  return "unknown";
}

std::optional<TrialStatus> trial_status_from(std::string_view text) {
  for (const auto s : {TrialStatus::ok, TrialStatus::backend_failed, TrialStatus::meter_failed,
                       TrialStatus::requests_failed, TrialStatus::server_failed}) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

}  // namespace greenbatch::trial
