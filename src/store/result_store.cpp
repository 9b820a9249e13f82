// Opening a result store, writing trials and studies into it, and reading tables back for export.
#include "greenbatch/store/result_store.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <variant>

#include "greenbatch/core/error.h"
#include "schema.h"
#include "sqlite_handle.h"

namespace greenbatch::store {
namespace {

nlohmann::ordered_json optional_json(const std::optional<double>& value) {
  return value && std::isfinite(*value) ? nlohmann::ordered_json(*value) : nlohmann::ordered_json();
}

// One JSON array per power sample, in the order of the trial's power domains.
std::string watts_json(const energy::PowerSample& sample) {
  auto json = nlohmann::ordered_json::array();
  for (const auto& watts : sample.watts) json.push_back(optional_json(watts));
  return json.dump();
}

template <class R>
std::vector<std::string_view> field_names(std::vector<std::string_view> leading = {}) {
  for (const auto& field : fields(static_cast<const R*>(nullptr))) leading.push_back(field.name);
  return leading;
}

std::string insert_sql(std::string_view table, const std::vector<std::string_view>& columns) {
  std::string names, values;
  for (const auto& column : columns) {
    names += fmt::format("{}\"{}\"", names.empty() ? "" : ", ", column);
    values += values.empty() ? "?" : ", ?";
  }
  return fmt::format("INSERT INTO {} ({}) VALUES ({})", table, names, values);
}

// Binds the record's fields to the parameters from `first` on; returns the next free one.
template <class R>
int bind_fields(sqlite::Statement& insert, const R& record, int first) {
  for (const auto& field : fields(static_cast<const R*>(nullptr))) insert.bind(first++, field.get(record));
  return first;
}

// Inserts one row per record: the trial id, then the record's fields.
template <class R>
void insert_records(const sqlite::Database& db, std::string_view table, const std::string& trial_id,
                    const std::vector<R>& records) {
  sqlite::Statement insert(db, insert_sql(table, field_names<R>({"trial_id"})));
  const FieldValue id{trial_id};
  for (const auto& record : records) {
    insert.bind(1, id);
    bind_fields(insert, record, 2);
    insert.run();
  }
}

void insert_power_trace(const sqlite::Database& db, const trial::TrialRecord& record) {
  const FieldValue id{record.trial_id};
  sqlite::Statement domain(db, insert_sql("power_domains", {"trial_id", "position", "name", "source", "in_total"}));
  for (std::size_t i = 0; i < record.power_domains.size(); ++i) {
    const auto& d = record.power_domains[i];
    domain.bind(1, id);
    domain.bind(2, static_cast<std::int64_t>(i));
    domain.bind(3, d.name);
    domain.bind(4, d.source);
    domain.bind(5, d.in_total);
    domain.run();
  }
  sqlite::Statement sample(db, insert_sql("power_samples", {"trial_id", "time_s", "total_w", "watts_json"}));
  for (const auto& s : record.power_trace) {
    sample.bind(1, id);
    sample.bind(2, s.time_s);
    sample.bind(3, s.total_w ? FieldValue{*s.total_w} : FieldValue{});
    sample.bind(4, watts_json(s));
    sample.run();
  }
}

// The stored status of `trial_id`, or nullopt when the store does not hold it.
std::optional<std::string> stored_status(const sqlite::Database& db, const std::string& trial_id) {
  sqlite::Statement query(db, "SELECT IFNULL(status, '') FROM trials WHERE trial_id = ?");
  query.bind(1, trial_id);
  if (!query.step()) return std::nullopt;
  return std::get<std::string>(query.column(0));
}

void write_trial(const sqlite::Database& db, const trial::TrialRecord& record, const SaveOptions& options) {
  sqlite::Transaction transaction(db);  // declared first: statements are finalised before it rolls back
  const auto stored = stored_status(db, record.trial_id);
  if (stored && options.replace_failed && *stored != "ok") {
    // A retry of a failed trial replaces it, in the same transaction as the new rows.
    sqlite::Statement drop(db, "DELETE FROM trials WHERE trial_id = ?");
    drop.bind(1, record.trial_id);
    drop.run();
  } else if (stored) {
    throw InputError(
        fmt::format("trial {} is already in the result store {}; nothing was written (save it to another "
                    "store, or skip the trials the store already holds)",
                    record.trial_id, db.name()));
  }
  auto columns = field_names<trial::TrialRecord>();
  columns.insert(columns.end(), {"config_json", "environment_json", "seq", "requested_json", "trace_clock",
                                 "energy_window_begin_s", "energy_window_end_s"});
  sqlite::Statement trial_row(db, insert_sql("trials", columns));
  const int next = bind_fields(trial_row, record, 1);
  trial_row.bind(next, trial::config_json(record.config));
  trial_row.bind(next + 1, record.environment_json);
  trial_row.bind(next + 2, db.query_int("SELECT IFNULL(MAX(seq), 0) + 1 FROM trials"));
  trial_row.bind(next + 3, record.requested_json.empty() ? FieldValue{} : FieldValue{record.requested_json});
  trial_row.bind(next + 4, std::string("trial"));
  const auto& window = record.energy_window;
  trial_row.bind(next + 5, window ? FieldValue{window->begin_s} : FieldValue{});
  trial_row.bind(next + 6, window ? FieldValue{window->end_s} : FieldValue{});
  trial_row.run();
  if (options.requests) insert_records(db, "requests", record.trial_id, record.requests);
  if (options.batches) insert_records(db, "batches", record.trial_id, record.batches);
  if (options.requests) insert_records(db, "remote_requests", record.trial_id, record.remote_requests);
  if (options.power_trace) insert_power_trace(db, record);
  transaction.commit();
}

// The columns read_table returns for one table, and which of them hold flags (stored as 0/1).
struct ExportColumns {
  std::vector<std::string> names;
  std::vector<bool> flags;

  void add(std::string_view name, bool flag = false) {
    names.emplace_back(name);
    flags.push_back(flag);
  }

  // The record's field table; a field is a flag when its getter gives one for a default record.
  template <class R>
  void add_fields() {
    static const R blank;  // static: one default record per type
    for (const auto& field : fields(static_cast<const R*>(nullptr))) {
      add(field.name, std::holds_alternative<bool>(field.get(blank)));
    }
  }
};

// The columns read_table returns for `table`, one of kExportTables.
ExportColumns export_columns(std::string_view table) {
  ExportColumns columns;
  if (table == "trials") {
    columns.add_fields<trial::TrialRecord>();
    columns.add("config_json");
    columns.add("environment_json");
  } else if (table == "requests") {
    columns.add("trial_id");
    columns.add_fields<RequestRecord>();
  } else if (table == "batches") {
    columns.add("trial_id");
    columns.add_fields<BatchRecord>();
  } else if (table == "remote_requests") {
    columns.add("trial_id");
    columns.add_fields<remote::RemoteRequest>();
  } else {
    for (const auto* name : {"study_id", "name", "config_json", "created_at"}) columns.add(name);
  }
  return columns;
}

// Trials and studies in the order they were saved; requests and batches in their trial's order,
// then by id. `by_study` adds a parameter for the study id.
std::string export_sql(std::string_view table, const ExportColumns& columns, bool by_study) {
  std::string select;
  for (const auto& name : columns.names) select += fmt::format("{}x.\"{}\"", select.empty() ? "" : ", ", name);
  if (table == "trials" || table == "studies") {
    return fmt::format("SELECT {} FROM {} AS x{} ORDER BY x.seq", select, table,
                       by_study ? " WHERE x.study_id = ?" : "");
  }
  return fmt::format("SELECT {} FROM {} AS x JOIN trials AS t ON t.trial_id = x.trial_id{} ORDER BY t.seq, x.{}",
                     select, table, by_study ? " WHERE t.study_id = ?" : "",
                     table == "batches" ? "batch_id" : "request_id");
}

}  // namespace

namespace {

// Refuses an empty path and a folder before SQLite sees them.
void check_path(const std::filesystem::path& file) {
  if (file.empty()) throw UsageError("the result store path is empty; give --db FILE.db");
  std::error_code ignored;
  if (std::filesystem::is_directory(file, ignored)) {
    throw InputError(fmt::format("{} is a folder, not a result store file; give a file path such as {}/results.db",
                                 file.string(), file.string()));
  }
}

}  // namespace

ResultStore ResultStore::open(const std::filesystem::path& file) {
  check_path(file);
  std::unique_ptr<sqlite::Database> db;
  try {
    db = std::make_unique<sqlite::Database>(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  } catch (const sqlite::SqliteError& e) {
    throw InputError(
        fmt::format("cannot open or create the result store {} ({}); check that its folder exists and "
                    "that you may write there",
                    file.string(), sqlite3_errstr(e.primary_code())));
  }
  sqlite3_busy_timeout(db->get(), sqlite::kBusyTimeoutMs);
  schema::check_owner(*db);  // before any write: a refused file is left as it was
  db->exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON");
  schema::migrate(*db);
  return ResultStore(std::move(db));
}

ResultStore ResultStore::open_read_only(const std::filesystem::path& file) {
  check_path(file);
  std::error_code ignored;
  if (!std::filesystem::exists(file, ignored)) {
    throw InputError(
        fmt::format("no result store at {}; give the --db of a study or run (greenbatch study / run "
                    "--db create one)",
                    file.string()));
  }
  std::unique_ptr<sqlite::Database> db;
  try {
    db = std::make_unique<sqlite::Database>(file, SQLITE_OPEN_READONLY);
  } catch (const sqlite::SqliteError& e) {
    throw InputError(fmt::format("cannot open the result store {} ({}); check that you may read it", file.string(),
                                 sqlite3_errstr(e.primary_code())));
  }
  sqlite3_busy_timeout(db->get(), sqlite::kBusyTimeoutMs);
  schema::check_owner(*db);
  if (db->query_int("SELECT COUNT(*) FROM sqlite_master") == 0) {
    throw InputError(fmt::format("{} is empty, not a result store; give the --db of a study or run", file.string()));
  }
  return ResultStore(std::move(db));
}

std::int64_t ResultStore::schema_version() const { return db_->query_int("PRAGMA user_version"); }

ResultStore::ResultStore(std::unique_ptr<sqlite::Database> db) : db_(std::move(db)) {}
ResultStore::~ResultStore() = default;
ResultStore::ResultStore(ResultStore&& other) noexcept = default;
ResultStore& ResultStore::operator=(ResultStore&& other) noexcept = default;

void ResultStore::save_trial(const trial::TrialRecord& record, const SaveOptions& options) {
  try {
    write_trial(*db_, record, options);
  } catch (const sqlite::SqliteError& e) {
    throw Error(fmt::format("trial {} was not saved, and nothing of it was written: {}", record.trial_id, e.what()));
  }
}

void ResultStore::register_study(const StudyRow& study, bool force) {
  sqlite::Transaction transaction(*db_);  // declared first: statements are finalised before it ends
  sqlite::Statement same(*db_, "SELECT 1 FROM studies WHERE study_id = ?");
  same.bind(1, study.study_id);
  if (same.step()) return;  // a resume
  sqlite::Statement other(*db_, "SELECT study_id, name FROM studies ORDER BY seq LIMIT 1");
  if (!force && other.step()) {
    throw InputError(
        fmt::format("{} holds results of another study ('{}', id {}) with a different configuration; use "
                    "another --db, or --force to add this study alongside",
                    db_->name(), std::get<std::string>(other.column(1)), std::get<std::string>(other.column(0))));
  }
  sqlite::Statement insert(*db_, insert_sql("studies", {"study_id", "name", "config_json", "created_at", "seq"}));
  insert.bind(1, study.study_id);
  insert.bind(2, study.name);
  insert.bind(3, study.config_json);
  insert.bind(4, study.created_at);
  insert.bind(5, db_->query_int("SELECT IFNULL(MAX(seq), 0) + 1 FROM studies"));
  insert.run();
  transaction.commit();
}

std::vector<std::string> ResultStore::completed_trial_ids(std::string_view study_id) const {
  sqlite::Statement query(*db_, "SELECT trial_id FROM trials WHERE study_id = ? AND status = 'ok' ORDER BY seq");
  query.bind(1, std::string(study_id));
  std::vector<std::string> ids;
  while (query.step()) ids.push_back(std::get<std::string>(query.column(0)));
  return ids;
}

std::int64_t ResultStore::count(std::string_view table) const {
  const auto known = schema::table_names();
  if (std::ranges::find(known, table) == known.end()) {
    throw std::invalid_argument(fmt::format("the result store has no table '{}'", table));
  }
  return db_->query_int(fmt::format("SELECT COUNT(*) FROM {}", table));
}

Table ResultStore::read_table(std::string_view table, std::optional<std::string> study_id) const {
  if (std::ranges::find(kExportTables, table) == kExportTables.end()) {
    throw UsageError(
        fmt::format("there is no table '{}' to export; the tables are: {}", table, fmt::join(kExportTables, ", ")));
  }
  const auto columns = export_columns(table);
  sqlite::Statement query(*db_, export_sql(table, columns, study_id.has_value()));
  if (study_id) query.bind(1, std::move(*study_id));
  Table out{columns.names, {}};
  while (query.step()) {
    auto& row = out.rows.emplace_back();
    for (std::size_t c = 0; c < columns.names.size(); ++c) {
      auto value = query.column(static_cast<int>(c));
      if (const auto* stored = std::get_if<std::int64_t>(&value); stored && columns.flags[c]) value = *stored != 0;
      row.push_back(std::move(value));
    }
  }
  return out;
}

}  // namespace greenbatch::store
