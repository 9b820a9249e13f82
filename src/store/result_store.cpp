// Opening a result store and writing trials into it.
#include "greenbatch/store/result_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "schema.h"
#include "sqlite_handle.h"

namespace greenbatch::store {
namespace {

constexpr int kBusyTimeoutMs = 10'000;

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

bool trial_exists(const sqlite::Database& db, const std::string& trial_id) {
  sqlite::Statement query(db, "SELECT 1 FROM trials WHERE trial_id = ?");
  query.bind(1, trial_id);
  return query.step();
}

void write_trial(const sqlite::Database& db, const trial::TrialRecord& record, const SaveOptions& options) {
  sqlite::Transaction transaction(db);  // declared first: statements are finalised before it rolls back
  if (trial_exists(db, record.trial_id)) {
    throw InputError(fmt::format("trial {} is already in the result store {}; nothing was written (save it to another "
                                 "store, or skip the trials the store already holds)",
                                 record.trial_id, db.name()));
  }
  auto columns = field_names<trial::TrialRecord>();
  columns.insert(columns.end(), {"config_json", "environment_json", "seq"});
  sqlite::Statement trial_row(db, insert_sql("trials", columns));
  const int next = bind_fields(trial_row, record, 1);
  trial_row.bind(next, trial::config_json(record.config));
  trial_row.bind(next + 1, record.environment_json);
  trial_row.bind(next + 2, db.query_int("SELECT IFNULL(MAX(seq), 0) + 1 FROM trials"));
  trial_row.run();
  if (options.requests) insert_records(db, "requests", record.trial_id, record.requests);
  if (options.batches) insert_records(db, "batches", record.trial_id, record.batches);
  if (options.power_trace) insert_power_trace(db, record);
  transaction.commit();
}

// Refuses files that are not SQLite databases, other programs' databases and newer schemas.
void check_owner(const sqlite::Database& db) {
  std::int64_t application_id = 0, version = 0, objects = 0;
  try {
    application_id = db.query_int("PRAGMA application_id");
    version = db.query_int("PRAGMA user_version");
    objects = db.query_int("SELECT COUNT(*) FROM sqlite_master");
  } catch (const sqlite::SqliteError& e) {
    if (e.primary_code() != SQLITE_NOTADB) throw;
    throw InputError(fmt::format("{} is not a SQLite database, so it cannot be a result store; give a new file name "
                                 "or an existing greenbatch result store",
                                 db.name()));
  }
  const bool empty = application_id == 0 && version == 0 && objects == 0;
  if (application_id != schema::kApplicationId && !empty) {
    throw InputError(fmt::format("{} is a SQLite database of another program, not a greenbatch result store; give a "
                                 "new file name or an existing greenbatch result store",
                                 db.name()));
  }
  if (version > schema::latest_version()) {
    throw InputError(fmt::format("the result store {} has schema version {}: it was written by a newer greenbatch "
                                 "(this one knows up to version {}); upgrade greenbatch to use it",
                                 db.name(), version, schema::latest_version()));
  }
}

}  // namespace

ResultStore ResultStore::open(const std::filesystem::path& file) {
  std::unique_ptr<sqlite::Database> db;
  try {
    db = std::make_unique<sqlite::Database>(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  } catch (const sqlite::SqliteError& e) {
    throw InputError(fmt::format("cannot open or create the result store {} ({}); check that its folder exists and "
                                 "that you may write there",
                                 file.string(), sqlite3_errstr(e.primary_code())));
  }
  sqlite3_busy_timeout(db->get(), kBusyTimeoutMs);
  check_owner(*db);  // before any write: a refused file is left as it was
  db->exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON");
  schema::migrate(*db);
  return ResultStore(std::move(db));
}

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

std::vector<std::string> ResultStore::trial_ids() const {
  sqlite::Statement query(*db_, "SELECT trial_id FROM trials ORDER BY seq");
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

}  // namespace greenbatch::store
