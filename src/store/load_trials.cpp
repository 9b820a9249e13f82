// Typed loading of stored trials and batches: each column the record needs is looked up once, a
// missing one is an error naming it, and every value is checked for its kind.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "greenbatch/core/error.h"
#include "greenbatch/store/result_store.h"
#include "sqlite_handle.h"

namespace greenbatch::store {
namespace {

using metrics::TrialSummary;
using trial::TrialConfig;
using trial::TrialRecord;

// Thrown by the readers below; load_trials adds the file, the column and the trial.
struct WrongKind {
  std::string expected;
};

void read(const FieldValue& v, std::string& out) {
  if (std::holds_alternative<std::monostate>(v)) return out.clear();
  const auto* s = std::get_if<std::string>(&v);
  if (s == nullptr) throw WrongKind{"text"};
  out = *s;
}

void read(const FieldValue& v, std::optional<double>& out) {
  if (const auto* d = std::get_if<double>(&v)) {
    out = *d;
  } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
    out = static_cast<double>(*i);
  } else if (std::holds_alternative<std::monostate>(v)) {
    out.reset();
  } else {
    throw WrongKind{"a number"};
  }
}

void read(const FieldValue& v, std::optional<std::int64_t>& out) {
  if (std::holds_alternative<std::monostate>(v)) return out.reset();
  const auto* i = std::get_if<std::int64_t>(&v);
  if (i == nullptr) throw WrongKind{"an integer"};
  out = *i;
}

void read(const FieldValue& v, std::optional<std::string>& out) {
  if (std::holds_alternative<std::monostate>(v)) return out.reset();
  out.emplace();
  read(v, *out);
}

// Columns that always hold a value are read through their optional form; null is an error.
template <class T>
void read(const FieldValue& v, T& out) requires std::is_arithmetic_v<T> {
  std::optional<double> value;
  read(v, value);
  if (!value) throw WrongKind{"a number (not null)"};
  out = static_cast<T>(*value);
}

template <auto Member>
void set(TrialRecord& r, const FieldValue& v) {
  read(v, r.*Member);
}
template <auto Member>
void set_config(TrialRecord& r, const FieldValue& v) {
  read(v, r.config.*Member);
}
template <auto Member>
void set_summary(TrialRecord& r, const FieldValue& v) {
  read(v, r.summary.*Member);
}

void set_status(TrialRecord& r, const FieldValue& v) {
  std::string text;
  read(v, text);
  const auto status = trial::trial_status_from(text);
  if (!status)
    throw WrongKind{fmt::format("a status this greenbatch knows (not '{}'; a newer greenbatch wrote it?)", text)};
  r.status = *status;
}

// The energy window's ends: both or neither.
void set_window_begin(TrialRecord& r, const FieldValue& v) {
  std::optional<double> begin;
  read(v, begin);
  if (begin) r.energy_window = trial::TimeSpan{*begin, *begin};
}
void set_window_end(TrialRecord& r, const FieldValue& v) {
  std::optional<double> end;
  read(v, end);
  if (end.has_value() != r.energy_window.has_value())
    throw WrongKind{"a value exactly when the window's begin has one"};
  if (end) r.energy_window->end_s = *end;
}

// A remote trial's outcome columns: present (even when null) exactly on remote trials, which have a target.
template <auto Member>
void set_remote(TrialRecord& r, const FieldValue& v) {
  if (!r.config.target) return;
  if (!r.remote) r.remote.emplace();
  read(v, (*r.remote).*Member);
}

struct Column {
  std::string_view name;
  void (*set)(TrialRecord&, const FieldValue&);
};

// Every stored column of a trial row that the record holds (the row's field table, the
// environment and requested settings as JSON, the energy window, and the study fields). The
// resolved configuration's JSON is not read back: the record holds it as typed fields.
constexpr Column kTrialColumns[] = {
    {"trial_id", set<&TrialRecord::trial_id>},
    {"started_at", set<&TrialRecord::started_at>},
    {"status", set_status},
    {"status_detail", set<&TrialRecord::status_detail>},
    {"model", set_config<&TrialConfig::model>},
    {"backend", set_config<&TrialConfig::backend>},
    {"device", set_config<&TrialConfig::device>},
    {"threads", set_config<&TrialConfig::threads>},
    {"weights", set_config<&TrialConfig::weights>},
    {"policy", set_config<&TrialConfig::policy>},
    {"arrival", set_config<&TrialConfig::arrival>},
    {"requests_planned", set_config<&TrialConfig::requests>},
    {"duration_planned_s", set_config<&TrialConfig::duration_s>},
    {"seed", set_config<&TrialConfig::seed>},
    {"slo_ms", set_config<&TrialConfig::slo_ms>},
    {"queue_capacity", set_config<&TrialConfig::queue_capacity>},
    {"images", set_config<&TrialConfig::images>},
    {"meter", set_config<&TrialConfig::meter>},
    {"idle_seconds", set_config<&TrialConfig::idle_seconds>},
    {"requests", set_summary<&TrialSummary::requests>},
    {"served", set_summary<&TrialSummary::served>},
    {"rejected", set_summary<&TrialSummary::rejected>},
    {"batches", set_summary<&TrialSummary::batches>},
    {"duration_s", set_summary<&TrialSummary::duration_s>},
    {"throughput_rps", set_summary<&TrialSummary::throughput_rps>},
    {"mean_batch_size", set_summary<&TrialSummary::mean_batch_size>},
    {"response_mean_ms", set_summary<&TrialSummary::response_mean_ms>},
    {"response_p50_ms", set_summary<&TrialSummary::response_p50_ms>},
    {"response_p90_ms", set_summary<&TrialSummary::response_p90_ms>},
    {"response_p95_ms", set_summary<&TrialSummary::response_p95_ms>},
    {"response_p99_ms", set_summary<&TrialSummary::response_p99_ms>},
    {"response_max_ms", set_summary<&TrialSummary::response_max_ms>},
    {"wait_mean_ms", set_summary<&TrialSummary::wait_mean_ms>},
    {"wait_p95_ms", set_summary<&TrialSummary::wait_p95_ms>},
    {"service_mean_ms", set_summary<&TrialSummary::service_mean_ms>},
    {"service_p95_ms", set_summary<&TrialSummary::service_p95_ms>},
    {"lateness_max_ms", set_summary<&TrialSummary::lateness_max_ms>},
    {"late_requests", set_summary<&TrialSummary::late_requests>},
    {"slo_attainment", set_summary<&TrialSummary::slo_attainment>},
    {"energy_source", set_summary<&TrialSummary::energy_source>},
    {"energy_status", set_summary<&TrialSummary::energy_status>},
    {"energy_j", set_summary<&TrialSummary::energy_j>},
    {"static_energy_j", set_summary<&TrialSummary::static_energy_j>},
    {"dynamic_energy_j", set_summary<&TrialSummary::dynamic_energy_j>},
    {"energy_per_request_j", set_summary<&TrialSummary::energy_per_request_j>},
    {"dynamic_energy_per_request_j", set_summary<&TrialSummary::dynamic_energy_per_request_j>},
    {"idle_power_w", set_summary<&TrialSummary::idle_power_w>},
    {"avg_power_w", set_summary<&TrialSummary::avg_power_w>},
    {"peak_power_w", set_summary<&TrialSummary::peak_power_w>},
    {"energy_by_domain_j", set_summary<&TrialSummary::energy_by_domain_j>},
    {"environment_json", set<&TrialRecord::environment_json>},
    {"requested_json", set<&TrialRecord::requested_json>},
    {"energy_window_begin_s", set_window_begin},
    {"energy_window_end_s", set_window_end},
    {"study_id", set<&TrialRecord::study_id>},
    {"repetition", set<&TrialRecord::repetition>},
    {"position", set<&TrialRecord::position>},
    {"target", set_config<&TrialConfig::target>},
    {"server_energy_j", set_remote<&trial::RemoteOutcome::server_energy_j>},
    {"server_energy_source", set_remote<&trial::RemoteOutcome::server_energy_source>},
    {"request_faults", set_remote<&trial::RemoteOutcome::request_faults>},
    {"energy_scope", set_remote<&trial::RemoteOutcome::energy_scope>},
};

std::set<std::string> stored_columns(const sqlite::Database& db, std::string_view table) {
  sqlite::Statement info(db, fmt::format("PRAGMA table_info({})", table));
  std::set<std::string> names;
  while (info.step()) names.insert(std::get<std::string>(info.column(1)));
  return names;
}

// Fails, naming the first missing column, unless `table` has every one of `columns`.
template <class Names>
void require_columns(const sqlite::Database& db, std::string_view table, const Names& columns) {
  const auto stored = stored_columns(db, table);
  for (const auto& c : columns) {
    if (!stored.contains(std::string(c))) {
      throw InputError(
          fmt::format("the result store {} has no column '{}' in its {} table, so its trials cannot be "
                      "read; it was not written by this greenbatch (export it with the greenbatch that "
                      "wrote it, or run the study again)",
                      db.name(), c, table));
    }
  }
}

}  // namespace

std::vector<TrialRecord> ResultStore::load_trials(std::optional<std::string> study_id) const {
  std::vector<std::string_view> names;
  for (const auto& c : kTrialColumns) names.push_back(c.name);
  require_columns(*db_, "trials", names);
  std::string select;
  for (const auto& n : names) select += fmt::format("{}\"{}\"", select.empty() ? "" : ", ", n);
  sqlite::Statement query(
      *db_, fmt::format("SELECT {} FROM trials{} ORDER BY seq", select, study_id ? " WHERE study_id = ?" : ""));
  if (study_id) query.bind(1, std::move(*study_id));
  std::vector<TrialRecord> trials;
  while (query.step()) {
    auto& record = trials.emplace_back();
    for (std::size_t c = 0; c < std::size(kTrialColumns); ++c) {
      try {
        kTrialColumns[c].set(record, query.column(static_cast<int>(c)));
      } catch (const WrongKind& wrong) {
        throw InputError(
            fmt::format("the result store {}: column '{}' of trial {} should hold {}; the file was "
                        "changed by another program (run the trial again)",
                        db_->name(), kTrialColumns[c].name,
                        record.trial_id.empty() ? std::string("(unknown)") : record.trial_id, wrong.expected));
      }
    }
  }
  return trials;
}

std::vector<BatchRecord> ResultStore::load_batches(std::string_view trial_id) const {
  constexpr std::string_view kColumns[] = {"batch_id", "size", "dispatch_s", "start_s", "end_s"};
  require_columns(*db_, "batches", kColumns);
  sqlite::Statement query(*db_,
                          "SELECT batch_id, size, dispatch_s, start_s, end_s FROM batches WHERE trial_id = ? ORDER BY "
                          "batch_id");
  query.bind(1, std::string(trial_id));
  std::vector<BatchRecord> batches;
  while (query.step()) {
    auto& b = batches.emplace_back();
    try {
      read(query.column(0), b.id);
      read(query.column(1), b.size);
      read(query.column(2), b.dispatch_s);
      read(query.column(3), b.start_s);
      read(query.column(4), b.end_s);
    } catch (const WrongKind& wrong) {
      throw InputError(
          fmt::format("the result store {}: a batch of trial {} holds a value that is not {}; the file "
                      "was changed by another program (run the trial again)",
                      db_->name(), trial_id, wrong.expected));
    }
  }
  return batches;
}

}  // namespace greenbatch::store
