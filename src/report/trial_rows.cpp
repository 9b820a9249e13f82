// The report's rows from typed trial records, and the policy facts the report needs.
#include "trial_rows.h"

#include "greenbatch/batching/policy_spec.h"
#include "greenbatch/core/error.h"

#include <limits>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace greenbatch::report {
namespace {

Machine machine_of(const std::string& environment_json) {
  const auto env = nlohmann::json::parse(environment_json, nullptr, false);
  const auto text = [](const nlohmann::json& j, const char* key) {
    return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string("unknown");
  };
  Machine m{text(env, "host"), text(env, "cpu"), "unknown", "unknown", "unknown"};
  if (env.is_object() && env.contains("backend")) {
    const auto& b = env["backend"];
    m.device = text(b, "device");
    m.backend = fmt::format("{} {}", text(b, "library"), text(b, "library_version"));
  }
  if (env.is_object() && env.contains("meters")) {
    const auto& meters = env["meters"];
    if (meters.is_string()) m.meters = meters.get<std::string>();
    if (meters.is_array()) {
      m.meters.clear();
      for (const auto& name : meters) {
        m.meters += fmt::format("{}{}", m.meters.empty() ? "" : "+",
                                name.is_string() ? name.get<std::string>() : name.dump());
      }
    }
  }
  return m;
}

// A power setting from the requested settings: its number, or "none" (ranked above every number:
// no cap) when the key is absent or null.
KnobLevel power_level(Knob knob, const nlohmann::json& requested) {
  const auto key = std::string(to_string(knob));
  if (requested.is_object() && requested.contains(key) && requested[key].is_number()) {
    const auto number = requested[key].get<double>();
    return {knob, requested[key].dump(), number};
  }
  return {knob, "none", std::numeric_limits<double>::infinity()};
}

// (kind, batch size, spec): fixed:B sorts by B, then dynamic, greedy, slo; unparsable specs last.
std::tuple<int, std::size_t, std::string> policy_key(const std::string& spec) {
  using batching::PolicyFamily;
  try {
    const auto typed = batching::PolicySpec::parse(spec);
    switch (typed.family) {
      case PolicyFamily::fixed:
        return {0, typed.max_batch(), spec};
      case PolicyFamily::dynamic:
        return {1, 0, spec};
      case PolicyFamily::greedy:
        return {2, 0, spec};
      case PolicyFamily::slo:
        return {3, 0, spec};
    }
  } catch (const Error&) {
  }
  return {4, 0, spec};
}

}  // namespace

std::string_view to_string(Knob knob) {
  switch (knob) {
    case Knob::threads:
      return "threads";
    case Knob::precision:
      return "precision";
    case Knob::cpu_max_freq_khz:
      return "cpu_max_freq_khz";
    case Knob::gpu_power_limit_w:
      return "gpu_power_limit_w";
    case Knob::gpu_clocks_mhz:
      return "gpu_clocks_mhz";
  }
  return "unknown";
}

std::partial_ordering KnobLevel::operator<=>(const KnobLevel& other) const {
  return std::tie(knob, rank, value) <=> std::tie(other.knob, other.rank, other.value);
}

std::string KnobLevel::label() const { return fmt::format("{}={}", to_string(knob), value); }

std::vector<KnobLevel> knob_levels(int threads, const std::string& requested_json) {
  const auto requested = nlohmann::json::parse(requested_json, nullptr, false);
  if (requested.is_object() && requested.contains("threads") && requested["threads"].is_number_integer() &&
      requested["threads"].get<int>() > 0) {
    threads = requested["threads"].get<int>();  // the study's factor, even where a backend ignores it
  }
  std::string precision = "fp32";
  if (requested.is_object() && requested.contains("precision") && requested["precision"].is_string()) {
    precision = requested["precision"].get<std::string>();
  }
  return {{Knob::threads, std::to_string(threads), static_cast<double>(threads)},
          {Knob::precision, precision, precision == "fp32" ? 0.0 : 1.0},
          power_level(Knob::cpu_max_freq_khz, requested),
          power_level(Knob::gpu_power_limit_w, requested),
          power_level(Knob::gpu_clocks_mhz, requested)};
}

PolicyFacts policy_facts(const std::string& spec) {
  try {
    const auto typed = batching::PolicySpec::parse(spec);
    PolicyFacts facts{std::string(batching::to_string(typed.family)), std::nullopt};
    if (typed.family == batching::PolicyFamily::fixed) facts.fixed_batch = static_cast<int>(typed.max_batch());
    return facts;
  } catch (const Error&) {
    return {"unknown", std::nullopt};  // a spec this build cannot parse (e.g. from a newer one)
  }
}

bool policy_before(const std::string& a, const std::string& b) { return policy_key(a) < policy_key(b); }

std::vector<TrialRow> trial_rows(const std::vector<trial::TrialRecord>& trials) {
  std::vector<TrialRow> rows;
  rows.reserve(trials.size());
  for (const auto& t : trials) {
    const auto& c = t.config;
    const auto& s = t.summary;
    TrialRow row;
    row.trial_id = t.trial_id;
    row.model = c.model;
    row.policy = c.policy;
    row.arrival = c.arrival;
    row.status = t.status;
    row.energy_source = s.energy_source;
    row.machine = machine_of(t.environment_json);
    row.host = row.machine.host;
    row.repetition = t.repetition.value_or(0);
    row.energy_per_request_j = s.energy_per_request_j;
    row.dynamic_energy_per_request_j = s.dynamic_energy_per_request_j;
    row.response_p50_ms = s.response_p50_ms;
    row.response_p95_ms = s.response_p95_ms;
    row.response_max_ms = s.response_max_ms;
    row.throughput_rps = s.throughput_rps;
    row.avg_power_w = s.avg_power_w;
    row.mean_batch_size = s.mean_batch_size;
    row.slo_ms = c.slo_ms;
    row.knobs = knob_levels(c.threads, t.requested_json);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace greenbatch::report
