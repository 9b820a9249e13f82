// The result store's migrations; each version's SQL stays as it was released.
#include "schema.h"

#include <fmt/format.h>

#include <array>

#include "greenbatch/core/error.h"

namespace greenbatch::store::schema {
namespace {

// Version 1: one row per trial (the columns fields(const TrialRecord*) had then, in order, then the
// configuration and environment as JSON and the insertion order), its requests, batches, power
// domains and power samples. `seq` keeps the insertion order because VACUUM may renumber rowids.
constexpr std::string_view kVersion1 = R"sql(
CREATE TABLE trials (
  trial_id TEXT NOT NULL PRIMARY KEY,
  started_at TEXT,
  status TEXT,
  status_detail TEXT,
  model TEXT,
  backend TEXT,
  device TEXT,
  threads INTEGER,
  weights TEXT,
  policy TEXT,
  arrival TEXT,
  requests_planned INTEGER,
  duration_planned_s REAL,
  seed INTEGER,
  slo_ms REAL,
  queue_capacity INTEGER,
  images TEXT,
  meter TEXT,
  idle_seconds REAL,
  requests INTEGER,
  served INTEGER,
  rejected INTEGER,
  batches INTEGER,
  duration_s REAL,
  throughput_rps REAL,
  mean_batch_size REAL,
  response_mean_ms REAL,
  response_p50_ms REAL,
  response_p90_ms REAL,
  response_p95_ms REAL,
  response_p99_ms REAL,
  response_max_ms REAL,
  wait_mean_ms REAL,
  wait_p95_ms REAL,
  service_mean_ms REAL,
  service_p95_ms REAL,
  lateness_max_ms REAL,
  late_requests INTEGER,
  slo_attainment REAL,
  energy_source TEXT,
  energy_status TEXT,
  energy_j REAL,
  static_energy_j REAL,
  dynamic_energy_j REAL,
  energy_per_request_j REAL,
  dynamic_energy_per_request_j REAL,
  idle_power_w REAL,
  avg_power_w REAL,
  peak_power_w REAL,
  energy_by_domain_j TEXT,
  config_json TEXT NOT NULL,
  environment_json TEXT NOT NULL,
  seq INTEGER NOT NULL UNIQUE
);
CREATE TABLE requests (
  trial_id TEXT NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
  request_id INTEGER NOT NULL,
  scheduled_s REAL,
  arrival_s REAL,
  rejected INTEGER,
  batch_id INTEGER,
  dispatch_s REAL,
  start_s REAL,
  completion_s REAL,
  PRIMARY KEY (trial_id, request_id)
) WITHOUT ROWID;
CREATE TABLE batches (
  trial_id TEXT NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
  batch_id INTEGER NOT NULL,
  size INTEGER,
  dispatch_s REAL,
  start_s REAL,
  end_s REAL,
  PRIMARY KEY (trial_id, batch_id)
) WITHOUT ROWID;
CREATE TABLE power_domains (
  trial_id TEXT NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  source TEXT NOT NULL,
  in_total INTEGER NOT NULL,
  PRIMARY KEY (trial_id, position)
) WITHOUT ROWID;
CREATE TABLE power_samples (
  trial_id TEXT NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
  time_s REAL,
  total_w REAL,
  watts_json TEXT
);
CREATE INDEX power_samples_by_trial ON power_samples (trial_id, time_s);
)sql";

// Version 2: studies. Each trial row gains its study, repetition and place in the running order
// (null for `greenbatch run`); ALTER TABLE appends them after `seq`. `studies` holds each study's
// normalised configuration, `seq` again keeping the insertion order.
constexpr std::string_view kVersion2 = R"sql(
ALTER TABLE trials ADD COLUMN study_id TEXT;
ALTER TABLE trials ADD COLUMN repetition INTEGER;
ALTER TABLE trials ADD COLUMN position INTEGER;
CREATE INDEX trials_by_study ON trials (study_id);
CREATE TABLE studies (
  study_id TEXT NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  config_json TEXT NOT NULL,
  created_at TEXT NOT NULL,
  seq INTEGER NOT NULL UNIQUE
);
)sql";

// Version 3: one trial clock and requested settings. Power samples of new trials are stored on the
// trial clock (s since its start, as requests and batches) and `trace_clock` says so ('trial'; null
// for older rows, whose samples are on the sampler's own epoch); the energy window's ends on that
// clock; the settings as asked (`requested_json`) beside the resolved `config_json`.
constexpr std::string_view kVersion3 = R"sql(
ALTER TABLE trials ADD COLUMN requested_json TEXT;
ALTER TABLE trials ADD COLUMN trace_clock TEXT;
ALTER TABLE trials ADD COLUMN energy_window_begin_s REAL;
ALTER TABLE trials ADD COLUMN energy_window_end_s REAL;
)sql";

// Version 4: remote trials (load sent to an Open Inference Protocol server). Each trial row gains the
// server's URL, the energy the server reported, the faults per kind and what this machine's meters
// cover (all null for in-process trials); `remote_requests` holds what the client saw of each
// request: sent and completed times, HTTP status, fault and the server's own figures.
constexpr std::string_view kVersion4 = R"sql(
ALTER TABLE trials ADD COLUMN target TEXT;
ALTER TABLE trials ADD COLUMN server_energy_j REAL;
ALTER TABLE trials ADD COLUMN server_energy_source TEXT;
ALTER TABLE trials ADD COLUMN request_faults TEXT;
ALTER TABLE trials ADD COLUMN energy_scope TEXT;
CREATE TABLE remote_requests (
  trial_id TEXT NOT NULL REFERENCES trials (trial_id) ON DELETE CASCADE,
  request_id INTEGER NOT NULL,
  scheduled_s REAL,
  sent_s REAL,
  completed_s REAL,
  http_status INTEGER,
  fault TEXT,
  server_queue_ms REAL,
  server_service_ms REAL,
  server_batch_size INTEGER,
  server_batch_id INTEGER,
  server_energy_j REAL,
  server_energy_source TEXT,
  PRIMARY KEY (trial_id, request_id)
) WITHOUT ROWID;
)sql";

constexpr std::array kMigrations{Migration{1, kVersion1}, Migration{2, kVersion2}, Migration{3, kVersion3},
                                 Migration{4, kVersion4}};

constexpr std::array<std::string_view, 7> kTables{"trials",        "requests", "batches",        "power_domains",
                                                  "power_samples", "studies",  "remote_requests"};

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

std::int64_t latest_version() { return kMigrations.back().version; }

std::span<const std::string_view> table_names() { return kTables; }

void migrate(const sqlite::Database& db) {
  if (db.query_int("PRAGMA user_version") >= latest_version()) return;
  for (const auto& migration : kMigrations) {
    sqlite::Transaction transaction(db);
    // Read again under the write lock: another process may have migrated meanwhile.
    if (db.query_int("PRAGMA user_version") >= migration.version) continue;
    db.exec(std::string(migration.sql));
    db.exec(fmt::format("PRAGMA application_id = {}; PRAGMA user_version = {}", kApplicationId, migration.version));
    transaction.commit();
  }
}

void check_owner(const sqlite::Database& db) {
  std::int64_t application_id = 0, version = 0, objects = 0;
  try {
    application_id = db.query_int("PRAGMA application_id");
    version = db.query_int("PRAGMA user_version");
    objects = db.query_int("SELECT COUNT(*) FROM sqlite_master");
  } catch (const sqlite::SqliteError& e) {
    if (e.primary_code() != SQLITE_NOTADB) throw;
    throw InputError(
        fmt::format("{} is not a SQLite database, so it cannot be a result store; give a new file name "
                    "or an existing greenbatch result store",
                    db.name()));
  }
  const bool empty = application_id == 0 && version == 0 && objects == 0;
  if (application_id != schema::kApplicationId && !empty) {
    throw InputError(
        fmt::format("{} is a SQLite database of another program, not a greenbatch result store; give a "
                    "new file name or an existing greenbatch result store",
                    db.name()));
  }
  if (version > schema::latest_version()) {
    throw InputError(
        fmt::format("the result store {} has schema version {}: it was written by a newer greenbatch "
                    "(this one knows up to version {}); upgrade greenbatch to use it",
                    db.name(), version, schema::latest_version()));
  }
}

}  // namespace greenbatch::store::schema
