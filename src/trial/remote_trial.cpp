// The remote trial: request bodies, the open-loop run inside an energy window, and its record.
#include "greenbatch/trial/remote_trial.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

namespace greenbatch::trial {
namespace {

remote::EncodedBody encode_body(const std::string& input_name, const std::string& datatype,
                                const std::vector<std::int64_t>& shape, const std::string& binary,
                                const std::string& output_name) {
  const nlohmann::json header = {{"inputs",
                                  {{{"name", input_name},
                                    {"datatype", datatype},
                                    {"shape", shape},
                                    {"parameters", {{"binary_data_size", binary.size()}}}}}},
                                 {"outputs", {{{"name", output_name}, {"parameters", {{"binary_data", true}}}}}}};
  auto text = header.dump();
  const auto json_length = text.size();
  text += binary;
  return {std::move(text), json_length};
}

}  // namespace

std::vector<remote::EncodedBody> remote_bodies(const remote::RemoteSpec& spec, const remote::ServedModel& model,
                                               const Payload& payload) {
  std::vector<remote::EncodedBody> bodies;
  if (spec.payload == remote::PayloadKind::tensor) {
    const auto count = remote::tensor_elements(model, spec.endpoint);
    std::vector<float> values(count);
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> unit(-1.0f, 1.0f);
    for (auto& v : values) v = unit(rng);
    auto shape = model.input_shape;
    for (auto& d : shape) d = std::max<std::int64_t>(d, 1);
    std::string binary(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
    bodies.push_back(encode_body(model.input_name, "FP32", shape, binary, model.output_name));
    return bodies;
  }
  for (const auto& image : payload.images) {
    // Triton's BYTES serialisation: a 4-byte little-endian length, then the bytes.
    const auto n = static_cast<std::uint32_t>(image.size());
    std::string binary(4 + image.size(), '\0');
    std::memcpy(binary.data(), &n, 4);
    std::memcpy(binary.data() + 4, image.data(), image.size());
    bodies.push_back(encode_body(model.input_name, "BYTES", {1}, binary, model.output_name));
  }
  return bodies;
}

TrialRecord remote_record(std::vector<remote::RemoteRequest> sent, const energy::EnergyWindow& window,
                          const energy::IdleBaseline& idle, std::optional<double> slo_ms) {
  TrialRecord record;
  record.requests.reserve(sent.size());
  std::map<std::int64_t, BatchRecord> batches;  // by the server's batch id
  std::map<std::string, std::int64_t> faults;
  bool server_gone = false;
  double server_energy = 0.0;
  bool energy_for_all = true;
  std::set<std::string> sources;
  std::int64_t served = 0;
  for (const auto& s : sent) {
    RequestRecord r;
    r.id = s.id;
    r.scheduled_s = s.scheduled_s;
    r.arrival_s = s.scheduled_s;
    if (s.fault != remote::Fault::none) {
      faults[s.fault == remote::Fault::http ? fmt::format("http_{}", s.http_status)
                                            : std::string(to_string(s.fault))]++;
      server_gone = server_gone || s.fault == remote::Fault::refused || s.fault == remote::Fault::reset;
      record.requests.push_back(r);
      continue;
    }
    ++served;
    const double completed = *s.completed_s;
    const double start = s.server_service_ms ? std::max(*s.sent_s, completed - *s.server_service_ms / 1e3) : *s.sent_s;
    r.dispatch_s = r.start_s = start;
    r.completion_s = completed;
    if (s.server_batch_id) {
      r.batch_id = s.server_batch_id;
      auto [it, fresh] = batches.try_emplace(*s.server_batch_id);
      auto& b = it->second;
      if (fresh) {
        b = {*s.server_batch_id, static_cast<int>(s.server_batch_size.value_or(0)), start, start, completed};
      } else {
        b.dispatch_s = b.start_s = std::min(b.start_s, start);
        b.end_s = std::max(b.end_s, completed);
      }
    }
    if (s.server_energy_j) {
      server_energy += *s.server_energy_j;
    } else {
      energy_for_all = false;
    }
    if (!s.server_energy_source.empty()) sources.insert(s.server_energy_source);
    record.requests.push_back(r);
  }
  for (auto& [id, batch] : batches) record.batches.push_back(batch);
  record.summary = metrics::summarize(record.requests, record.batches, window, idle, slo_ms);
  // The producer's lateness is the client's send lateness: sent − scheduled.
  record.summary.lateness_max_ms = 0.0;
  record.summary.late_requests = 0;
  for (const auto& s : sent) {
    if (!s.sent_s) continue;
    const double late = *s.sent_s - s.scheduled_s;
    record.summary.lateness_max_ms = std::max(record.summary.lateness_max_ms, late * 1e3);
    if (late > 1e-3) ++record.summary.late_requests;
  }
  RemoteOutcome outcome;
  if (served > 0 && energy_for_all && !(sources.size() == 1 && *sources.begin() == "none")) {
    outcome.server_energy_j = server_energy;
  }
  outcome.server_energy_source = sources.empty() ? "none" : fmt::format("{}", fmt::join(sources, "+"));
  std::string fault_text;
  std::int64_t failed = 0;
  for (const auto& [kind, count] : faults) {
    fault_text += fmt::format("{}{}={}", fault_text.empty() ? "" : ";", kind, count);
    failed += count;
  }
  outcome.request_faults = fault_text;
  outcome.energy_scope = "this machine (the client's host): covers the server only when it runs here";
  if (failed > 0 || served == 0) {
    record.status = server_gone || served == 0 ? TrialStatus::server_failed : TrialStatus::requests_failed;
    record.status_detail = fmt::format("{} of {} requests failed: {}", failed, sent.size(),
                                       fault_text.empty() ? "none was sent" : fault_text);
  } else if (window.status == energy::WindowStatus::meter_failed) {
    record.status = TrialStatus::meter_failed;
    record.status_detail = window.detail;
  }
  record.remote = std::move(outcome);
  record.remote_requests = std::move(sent);
  return record;
}

TrialRecord run_remote_trial(const remote::RemoteSpec& spec, const std::vector<remote::EncodedBody>& bodies,
                             const RemoteTrialOptions& options) {
  const remote::ClientOptions client{spec.endpoint, spec.endpoint.base_path + "/v2/models/" + spec.model + "/infer",
                                     spec.max_in_flight, spec.request_timeout_ms / 1e3};
  std::optional<energy::EnergyMark> begin;
  if (options.sampler) begin = options.sampler->mark();
  const auto start = std::chrono::steady_clock::now();
  const double origin = options.sampler ? options.sampler->now() : 0.0;
  auto sent = remote::run_open_loop(client, options.schedule, bodies, start);
  energy::EnergyWindow window;
  window.status = energy::WindowStatus::no_meter;
  window.source = "none";
  std::vector<energy::SampledDomain> domains;
  std::vector<energy::PowerSample> trace;
  std::optional<TimeSpan> span;
  if (options.sampler) {
    const auto end = options.sampler->mark();
    window = options.sampler->window(*begin, end);
    domains = options.sampler->domains();
    trace = options.sampler->trace(begin->time_s, end.time_s);
    for (auto& sample : trace) sample.time_s -= origin;
    span = TimeSpan{begin->time_s - origin, end.time_s - origin};
  }
  auto record = remote_record(std::move(sent), window, options.idle, options.slo_ms);
  record.power_domains = std::move(domains);
  record.power_trace = std::move(trace);
  record.energy_window = span;
  return record;
}

}  // namespace greenbatch::trial
