// Typed trial rows from the stored trials table, and the order of policies.
#include "trial_rows.h"

#include "greenbatch/batching/policy_spec.h"
#include "greenbatch/core/error.h"

#include <algorithm>
#include <tuple>

namespace greenbatch::report {
namespace {

std::optional<double> real(const FieldValue& v) {
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  return std::nullopt;
}

std::string text(const FieldValue& v) {
  const auto* s = std::get_if<std::string>(&v);
  return s ? *s : std::string();
}

// (kind, batch size, spec): fixed:B sorts by B, then dynamic, greedy, slo; unparsable specs last.
std::tuple<int, std::size_t, std::string> policy_key(const std::string& spec) {
  using batching::PolicyFamily;
  try {
    const auto typed = batching::PolicySpec::parse(spec);
    switch (typed.family) {
      case PolicyFamily::fixed: return {0, typed.max_batch(), spec};
      case PolicyFamily::dynamic: return {1, 0, spec};
      case PolicyFamily::greedy: return {2, 0, spec};
      case PolicyFamily::slo: return {3, 0, spec};
    }
  } catch (const Error&) {
  }
  return {4, 0, spec};
}

}  // namespace

bool policy_before(const std::string& a, const std::string& b) { return policy_key(a) < policy_key(b); }

std::vector<TrialRow> trial_rows(const store::Table& trials) {
  const auto column = [&](const std::string& name) {
    const auto it = std::ranges::find(trials.columns, name);
    return static_cast<std::size_t>(it - trials.columns.begin());
  };
  const auto id = column("trial_id"), model = column("model"), policy = column("policy"), arrival = column("arrival"),
             status = column("status"), source = column("energy_source"), repetition = column("repetition"),
             energy = column("energy_per_request_j"), dynamic = column("dynamic_energy_per_request_j"),
             p50 = column("response_p50_ms"), p95 = column("response_p95_ms"), max = column("response_max_ms"),
             throughput = column("throughput_rps"), power = column("avg_power_w"),
             response_mean = column("response_mean_ms"), service_mean = column("service_mean_ms"),
             requests = column("requests_planned"), duration = column("duration_planned_s"), seed = column("seed"),
             capacity = column("queue_capacity"), late = column("late_requests");
  std::vector<TrialRow> rows;
  for (const auto& r : trials.rows) {
    TrialRow row{text(r[id]), text(r[model]), text(r[policy]), text(r[arrival]), text(r[status]), text(r[source]),
                 static_cast<std::int64_t>(real(r[repetition]).value_or(0)), real(r[energy]), real(r[dynamic]),
                 real(r[p50]), real(r[p95]), real(r[max]), real(r[throughput]), real(r[power]),
                 real(r[response_mean]), real(r[service_mean]), std::nullopt, real(r[duration]),
                 static_cast<std::uint64_t>(real(r[seed]).value_or(1)),
                 static_cast<std::int64_t>(real(r[capacity]).value_or(1024)),
                 static_cast<std::int64_t>(real(r[late]).value_or(0))};
    if (const auto n = real(r[requests])) row.requests_planned = static_cast<std::int64_t>(*n);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace greenbatch::report
