// The SQLite result store: schema and its migrations, round trips, one transaction per trial,
// studies, refused files.
#include "greenbatch/store/result_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <type_traits>

#include "store/sample_trials.h"
#include "store/schema.h"
#include "store/sqlite_handle.h"
#include "support/stored_trials.h"
#include "support/temp_dir.h"
#include "support/text.h"

namespace greenbatch::store {
namespace {

using testing::contains;

static_assert(!std::is_copy_constructible_v<ResultStore> && std::is_nothrow_move_constructible_v<ResultStore>);

FieldValue i(std::int64_t v) { return v; }
FieldValue s(const char* v) { return std::string(v); }
const FieldValue null;

std::vector<std::string> columns(const std::filesystem::path& file, const std::string& table) {
  std::vector<std::string> names;
  for (const auto& row : query(file, "SELECT name FROM pragma_table_info('" + table + "') ORDER BY cid")) {
    names.push_back(std::get<std::string>(row.at(0)));
  }
  return names;
}

template <class R>
std::vector<std::string> field_names(std::vector<std::string> leading = {}) {
  for (const auto& f : fields(static_cast<const R*>(nullptr))) leading.emplace_back(f.name);
  return leading;
}

// A value as SQLite gives it back: flags become 0/1.
FieldValue stored(const FieldValue& value) {
  if (const auto* flag = std::get_if<bool>(&value)) return std::int64_t{*flag ? 1 : 0};
  return value;
}

// The message of the InputError that `action` throws; empty when it throws none.
template <class F>
std::string input_error(F&& action) {
  try {
    action();
  } catch (const InputError& e) {
    return e.what();
  }
  return {};
}

// The tables holding rows of a trial: those with a trial_id column.
std::vector<std::string> trial_tables(const std::filesystem::path& file) {
  std::vector<std::string> tables;
  for (const auto table : schema::table_names()) {
    const auto names = columns(file, std::string(table));
    if (std::ranges::find(names, "trial_id") != names.end()) tables.emplace_back(table);
  }
  return tables;
}

std::int64_t rows_of(const std::filesystem::path& file, const std::string& table, const std::string& trial_id) {
  const auto rows = query(file, "SELECT COUNT(*) FROM " + table + " WHERE trial_id = '" + trial_id + "'");
  return std::get<std::int64_t>(rows.at(0).at(0));
}

TEST(ResultStore, CreatesAndReopensKeepingTrialsInOrder) {
  const testing::TempDir dir("store-reopen");
  const auto file = dir.path() / "results.db";
  {
    auto store = ResultStore::open(file);
    store.save_trial(sample_trial("b"));
    store.save_trial(sample_trial("a"));
  }
  auto store = ResultStore::open(file);
  EXPECT_EQ(testing::stored_trial_ids(store), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(store.count("trials"), 2);
  EXPECT_EQ(store.count("requests"), 6);
  EXPECT_EQ(store.count("batches"), 4);
  EXPECT_EQ(store.count("power_domains"), 4);
  EXPECT_EQ(store.count("power_samples"), 4);
  store.save_trial(sample_trial("c"));
  EXPECT_EQ(testing::stored_trial_ids(store), (std::vector<std::string>{"b", "a", "c"}));
  EXPECT_EQ(query(file, "PRAGMA journal_mode"), (std::vector<Row>{{s("wal")}}));
  EXPECT_EQ(query(file, "PRAGMA user_version"), (std::vector<Row>{{i(schema::latest_version())}}));
  EXPECT_EQ(query(file, "PRAGMA application_id"), (std::vector<Row>{{i(schema::kApplicationId)}}));
}

// The trials columns are the field table's, in its order, with the extras (config_json,
// environment_json, seq, then version 3's, in that order) among them anywhere: ALTER TABLE appends the fields a
// later schema version adds after the extras.
TEST(ResultStore, SchemaColumnsEqualTheFieldTables) {
  const testing::TempDir dir("store-columns");
  const auto file = dir.path() / "results.db";
  const auto store = ResultStore::open(file);
  const std::vector<std::string> extras{"config_json",        "environment_json", "seq",
                                        "requested_json",     "trace_clock",      "energy_window_begin_s",
                                        "energy_window_end_s"};
  std::vector<std::string> field_columns, extra_columns;
  for (const auto& column : columns(file, "trials")) {
    (std::ranges::find(extras, column) != extras.end() ? extra_columns : field_columns).push_back(column);
  }
  EXPECT_EQ(field_columns, field_names<trial::TrialRecord>());
  EXPECT_EQ(extra_columns, extras);
  EXPECT_EQ(columns(file, "requests"), field_names<RequestRecord>({"trial_id"}));
  EXPECT_EQ(columns(file, "batches"), field_names<BatchRecord>({"trial_id"}));
  EXPECT_EQ(columns(file, "power_domains"),
            (std::vector<std::string>{"trial_id", "position", "name", "source", "in_total"}));
  EXPECT_EQ(columns(file, "power_samples"), (std::vector<std::string>{"trial_id", "time_s", "total_w", "watts_json"}));
  EXPECT_EQ(columns(file, "studies"),
            (std::vector<std::string>{"study_id", "name", "config_json", "created_at", "seq"}));
  for (const auto table : schema::table_names()) EXPECT_EQ(store.count(table), 0) << table;
}

TEST(ResultStore, ReadsBackEveryValueWritten) {
  const testing::TempDir dir("store-values");
  const auto file = dir.path() / "results.db";
  const auto record = study_trial("t1", "s1", 2, 5);
  ResultStore::open(file).save_trial(record);

  std::string field_columns;
  for (const auto& name : field_names<trial::TrialRecord>()) {
    field_columns += (field_columns.empty() ? "\"" : ", \"") + name + '"';
  }
  const auto trials = query(file, "SELECT " + field_columns + " FROM trials");
  ASSERT_EQ(trials.size(), 1u);
  const auto trial_fields = fields(static_cast<const trial::TrialRecord*>(nullptr));
  ASSERT_EQ(trials[0].size(), trial_fields.size());
  for (std::size_t c = 0; c < trial_fields.size(); ++c) {
    EXPECT_EQ(trials[0][c], stored(trial_fields[c].get(record))) << trial_fields[c].name;
  }
  EXPECT_EQ(query(file, "SELECT study_id, repetition, position FROM trials"),
            (std::vector<Row>{{s("s1"), i(2), i(5)}}));
  EXPECT_EQ(query(file,
                  "SELECT trial_id, requests_planned, duration_planned_s, slo_ms, response_mean_ms, "
                  "response_p99_ms, energy_j, environment_json, seq FROM trials"),
            (std::vector<Row>{{s("t1"), i(3), null, null, 11.25, null, 0.75, s(R"({"host":"test"})"), i(1)}}));
  const auto config = nlohmann::json::parse(std::get<std::string>(query(file, "SELECT config_json FROM trials")[0][0]));
  EXPECT_EQ(config, nlohmann::json::parse(R"({"model":"synthetic:alpha=2ms,tau0=1ms","backend":"synthetic",
      "device":"cpu","threads":2,"weights":"none","policy":"fixed:1,timeout=inf","arrival":"jitter:100,spread=0.2",
      "requests":3,"duration_s":null,"seed":7,"slo_ms":null,"queue_capacity":1,"images":"none","meter":"rapl",
      "idle_seconds":0.5})"));

  EXPECT_EQ(query(file, "SELECT * FROM requests ORDER BY request_id"),
            (std::vector<Row>{{s("t1"), i(0), 0.0, 0.0002, i(0), i(0), 0.0003, 0.0004, 0.011},
                              {s("t1"), i(1), 0.01, 0.0101, i(0), i(1), 0.011, 0.011, 0.022},
                              {s("t1"), i(2), 0.0105, 0.0106, i(1), null, null, null, null}}));
  EXPECT_EQ(
      query(file, "SELECT * FROM batches ORDER BY batch_id"),
      (std::vector<Row>{{s("t1"), i(0), i(1), 0.0003, 0.0004, 0.011}, {s("t1"), i(1), i(1), 0.011, 0.011, 0.022}}));
  EXPECT_EQ(query(file, "SELECT * FROM power_domains ORDER BY position"),
            (std::vector<Row>{{s("t1"), i(0), s("package-0"), s("rapl"), i(1)},
                              {s("t1"), i(1), s("dram-0"), s("rapl"), i(0)}}));
  EXPECT_EQ(query(file, "SELECT * FROM power_samples ORDER BY time_s"),
            (std::vector<Row>{{s("t1"), 0.01, 12.5, s("[12.5,1.5]")}, {s("t1"), 0.02, null, s("[13.0,null]")}}));
}

TEST(ResultStore, SaveOptionsLeaveOutDetails) {
  const testing::TempDir dir("store-options");
  auto store = ResultStore::open(dir.path() / "results.db");
  store.save_trial(sample_trial("t1"), {.requests = false, .batches = false, .power_trace = false});
  store.save_trial(sample_trial("t2"), {.requests = true, .batches = false, .power_trace = true});
  EXPECT_EQ(store.count("trials"), 2);
  EXPECT_EQ(store.count("requests"), 3);
  EXPECT_EQ(store.count("batches"), 0);
  EXPECT_EQ(store.count("power_domains"), 2);
  EXPECT_EQ(store.count("power_samples"), 2);
}

TEST(ResultStore, DeletingATrialDeletesItsRows) {
  const testing::TempDir dir("store-cascade");
  const auto file = dir.path() / "results.db";
  auto store = ResultStore::open(file);
  store.save_trial(sample_trial("t1"));
  store.save_trial(sample_trial("t2"));
  const sqlite::Database db(file, SQLITE_OPEN_READWRITE);
  db.exec("PRAGMA foreign_keys = ON; DELETE FROM trials WHERE trial_id = 't1'");
  for (const auto& table : trial_tables(file)) EXPECT_EQ(rows_of(file, table, "t1"), 0) << table;
  EXPECT_EQ(store.count("requests"), 3);
}

TEST(ResultStore, DuplicateTrialIdIsRefusedAndChangesNothing) {
  const testing::TempDir dir("store-duplicate");
  const auto file = dir.path() / "results.db";
  auto store = ResultStore::open(file);
  store.save_trial(sample_trial("t1"));
  const auto before = query(file, "SELECT * FROM requests");

  auto again = sample_trial("t1");
  again.status = trial::TrialStatus::meter_failed;
  again.requests.push_back({.id = 3, .scheduled_s = 0.5, .arrival_s = 0.5, .rejected = true});
  const auto message = input_error([&] { store.save_trial(again); });
  EXPECT_TRUE(contains(message, "trial t1 is already in the result store")) << message;
  EXPECT_TRUE(contains(message, file.string())) << message;

  EXPECT_EQ(query(file, "SELECT status FROM trials"), (std::vector<Row>{{s("ok")}}));
  EXPECT_EQ(query(file, "SELECT * FROM requests"), before);
  EXPECT_EQ(store.count("batches"), 2);
  EXPECT_EQ(store.count("power_domains"), 2);
  EXPECT_EQ(store.count("power_samples"), 2);
}

TEST(ResultStore, FailingInsertRollsBackTheWholeTrial) {
  const testing::TempDir dir("store-rollback");
  const auto file = dir.path() / "results.db";
  auto store = ResultStore::open(file);
  store.save_trial(sample_trial("t1"));

  auto broken = sample_trial("t2");
  broken.requests[2].id = 1;  // two requests with the same id: the third insert fails
  try {
    store.save_trial(broken);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    ADD_FAILURE() << "not a user error: " << e.what();
  } catch (const Error& e) {
    EXPECT_TRUE(contains(e.what(), "trial t2 was not saved")) << e.what();
    EXPECT_TRUE(contains(e.what(), "UNIQUE constraint failed")) << e.what();
  }
  for (const auto& table : trial_tables(file)) EXPECT_EQ(rows_of(file, table, "t2"), 0) << table;
  EXPECT_EQ(testing::stored_trial_ids(store), (std::vector<std::string>{"t1"}));
  EXPECT_EQ(store.count("requests"), 3);

  broken.requests[2].id = 2;  // the store is usable again
  store.save_trial(broken);
  EXPECT_EQ(testing::stored_trial_ids(store), (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(store.count("requests"), 6);
}

TEST(ResultStore, UpgradesAVersion1StoreKeepingItsRows) {
  const testing::TempDir dir("store-v1");
  const auto file = dir.path() / "results.db";
  {
    const sqlite::Database db(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    const auto version1 = schema::migrations().front();
    ASSERT_EQ(version1.version, 1);
    db.exec(std::string(version1.sql));
    db.exec("PRAGMA application_id = " + std::to_string(schema::kApplicationId) + "; PRAGMA user_version = 1");
    db.exec(R"(INSERT INTO trials (trial_id, status, threads, config_json, environment_json, seq)
               VALUES ('old', 'ok', 2, '{}', '{"host":"v1"}', 1);
               INSERT INTO requests (trial_id, request_id, arrival_s, rejected) VALUES ('old', 0, 0.25, 0))");
  }
  auto store = ResultStore::open(file);
  EXPECT_EQ(schema::latest_version(), 4);
  EXPECT_EQ(query(file, "PRAGMA user_version"), (std::vector<Row>{{i(4)}}));
  // An old row keeps its values; what later versions add is null (its trace is on the sampler's epoch).
  EXPECT_EQ(query(file,
                  "SELECT trial_id, status, threads, environment_json, seq, study_id, repetition, position, "
                  "trace_clock, target, server_energy_j, request_faults FROM trials"),
            (std::vector<Row>{
                {s("old"), s("ok"), i(2), s(R"({"host":"v1"})"), i(1), null, null, null, null, null, null, null}}));
  EXPECT_EQ(query(file, "SELECT COUNT(*) FROM remote_requests"), (std::vector<Row>{{i(0)}}));
  EXPECT_EQ(query(file, "SELECT trial_id, request_id, arrival_s, rejected FROM requests"),
            (std::vector<Row>{{s("old"), i(0), 0.25, i(0)}}));

  const auto fresh = dir.path() / "fresh.db";
  (void)ResultStore::open(fresh);
  const std::string objects = "SELECT type, name, sql FROM sqlite_master ORDER BY name";
  EXPECT_EQ(query(file, objects), query(fresh, objects));  // the upgraded schema is the new one

  store.save_trial(study_trial("new", "s1", 0, 0));
  EXPECT_EQ(testing::stored_trial_ids(store), (std::vector<std::string>{"old", "new"}));
  EXPECT_EQ(store.completed_trial_ids("s1"), (std::vector<std::string>{"new"}));
}

TEST(ResultStore, RegisterStudyResumesTheSameStudyAndRefusesAnotherUnlessForced) {
  const testing::TempDir dir("store-studies");
  const auto file = dir.path() / "results.db";
  auto store = ResultStore::open(file);
  const StudyRow first{"aaaa000000000001", "first", R"({"name":"first"})", "2024-05-01T12:00:00Z"};
  store.register_study(first, false);
  const auto registered = query(file, "SELECT * FROM studies");
  EXPECT_EQ(registered, (std::vector<Row>{{s("aaaa000000000001"), s("first"), s(R"({"name":"first"})"),
                                           s("2024-05-01T12:00:00Z"), i(1)}}));
  store.register_study({first.study_id, "renamed", "{}", "2024-06-01T00:00:00Z"}, false);  // a resume
  EXPECT_EQ(query(file, "SELECT * FROM studies"), registered);

  const StudyRow second{"bbbb000000000002", "second", R"({"name":"second"})", "2024-05-02T08:00:00Z"};
  const auto message = input_error([&] { store.register_study(second, false); });
  EXPECT_TRUE(contains(message, file.string() +
                                    " holds results of another study ('first', id aaaa000000000001) "
                                    "with a different configuration; use another --db, or --force to add this study "
                                    "alongside"))
      << message;
  EXPECT_EQ(query(file, "SELECT * FROM studies"), registered);

  store.register_study(second, true);
  store.register_study(second, false);  // now a resume of the second
  store.register_study(first, true);    // and of the first, forced or not
  EXPECT_EQ(query(file, "SELECT study_id, name, seq FROM studies ORDER BY seq"),
            (std::vector<Row>{{s("aaaa000000000001"), s("first"), i(1)}, {s("bbbb000000000002"), s("second"), i(2)}}));
}

TEST(ResultStore, CompletedTrialIdsAreTheStudysTrialsInTheOrderSaved) {
  const testing::TempDir dir("store-completed");
  auto store = ResultStore::open(dir.path() / "results.db");
  store.save_trial(study_trial("t4", "s1", 1, 0));
  store.save_trial(sample_trial("t2"));  // `greenbatch run`: no study
  store.save_trial(study_trial("t3", "s2", 0, 0));
  store.save_trial(study_trial("t1", "s1", 0, 1));
  EXPECT_EQ(store.completed_trial_ids("s1"), (std::vector<std::string>{"t4", "t1"}));
  EXPECT_EQ(store.completed_trial_ids("s2"), (std::vector<std::string>{"t3"}));
  EXPECT_TRUE(store.completed_trial_ids("s3").empty());
  EXPECT_TRUE(store.completed_trial_ids("").empty());
}

TEST(ResultStore, AFailedTrialIsNotCompletedAndItsRetryReplacesIt) {
  const testing::TempDir dir("store-retry");
  const auto file = dir.path() / "results.db";
  auto store = ResultStore::open(file);
  auto failed = study_trial("t1", "s1", 0, 0);
  failed.status = trial::TrialStatus::backend_failed;
  store.save_trial(failed);
  store.save_trial(study_trial("t2", "s1", 0, 1));
  EXPECT_EQ(store.completed_trial_ids("s1"), (std::vector<std::string>{"t2"}));  // t1 is run again on resume

  const SaveOptions retry{.replace_failed = true};
  store.save_trial(study_trial("t1", "s1", 0, 0), retry);
  EXPECT_EQ(store.completed_trial_ids("s1"), (std::vector<std::string>{"t2", "t1"}));
  EXPECT_EQ(query(file, "SELECT COUNT(*) FROM trials WHERE trial_id = 't1'"), (std::vector<Row>{{i(1)}}));
  // An ok trial is never replaced, even by a retry.
  EXPECT_TRUE(contains(input_error([&] { store.save_trial(study_trial("t1", "s1", 0, 0), retry); }),
                       "already in the result store"));
}

TEST(ResultStore, ReadOnlyOpeningNeverCreatesOrMigrates) {
  const testing::TempDir dir("store-read-only");
  const auto missing = dir.path() / "missing.db";
  EXPECT_TRUE(contains(input_error([&] { (void)ResultStore::open_read_only(missing); }), "no result store at"));
  EXPECT_FALSE(std::filesystem::exists(missing));
  EXPECT_TRUE(contains(input_error([&] { (void)ResultStore::open_read_only(dir.path()); }), "is a folder"));
  const auto file = dir.path() / "results.db";
  {
    auto store = ResultStore::open(file);
    store.save_trial(sample_trial("t1"));
  }
  const auto store = ResultStore::open_read_only(file);
  EXPECT_EQ(testing::stored_trial_ids(store), (std::vector<std::string>{"t1"}));
  EXPECT_EQ(store.schema_version(), schema::latest_version());
}

TEST(ResultStore, RefusesAnotherProgramsDatabaseWithoutTouchingIt) {
  const testing::TempDir dir("store-foreign");
  const auto file = dir.path() / "notes.db";
  sqlite::Database(file, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE).exec("CREATE TABLE notes (text TEXT)");
  const auto message = input_error([&] { ResultStore::open(file); });
  EXPECT_TRUE(contains(message, file.string())) << message;
  EXPECT_TRUE(contains(message, "not a greenbatch result store")) << message;
  EXPECT_EQ(query(file, "PRAGMA journal_mode"), (std::vector<Row>{{s("delete")}}));
  EXPECT_EQ(query(file, "SELECT name FROM sqlite_master"), (std::vector<Row>{{s("notes")}}));
}

TEST(ResultStore, RefusesATextFile) {
  const testing::TempDir dir("store-text");
  const auto file = dir.path() / "results.csv";
  std::ofstream(file) << "trial_id,status\nt1,ok\n";
  const auto message = input_error([&] { ResultStore::open(file); });
  EXPECT_TRUE(contains(message, file.string())) << message;
  EXPECT_TRUE(contains(message, "is not a SQLite database")) << message;
}

TEST(ResultStore, OpensAnEmptyFileAsANewStore) {
  const testing::TempDir dir("store-empty");
  const auto file = dir.path() / "results.db";
  std::ofstream{file};
  EXPECT_EQ(ResultStore::open(file).count("trials"), 0);
}

TEST(ResultStore, RefusesANewerSchemaVersion) {
  const testing::TempDir dir("store-newer");
  const auto file = dir.path() / "results.db";
  ResultStore::open(file).save_trial(sample_trial("t1"));
  sqlite::Database(file, SQLITE_OPEN_READWRITE)
      .exec("PRAGMA user_version = " + std::to_string(schema::latest_version() + 1));
  const auto message = input_error([&] { ResultStore::open(file); });
  EXPECT_TRUE(contains(message, file.string())) << message;
  EXPECT_TRUE(contains(message, "written by a newer greenbatch")) << message;
  EXPECT_TRUE(contains(message, "upgrade")) << message;
}

TEST(ResultStore, RefusesAPathInAMissingFolder) {
  const testing::TempDir dir("store-missing");
  const auto file = dir.path() / "no-such-folder" / "results.db";
  const auto message = input_error([&] { ResultStore::open(file); });
  EXPECT_TRUE(contains(message, file.string())) << message;
  EXPECT_TRUE(contains(message, "folder exists")) << message;
  EXPECT_FALSE(std::filesystem::exists(file.parent_path()));
}

TEST(ResultStore, CountRefusesUnknownTables) {
  const testing::TempDir dir("store-count");
  const auto store = ResultStore::open(dir.path() / "results.db");
  EXPECT_THROW((void)store.count("sqlite_master"), std::invalid_argument);
  EXPECT_THROW((void)store.count("trials; DROP TABLE trials"), std::invalid_argument);
}

TEST(ResultStore, SavesTenThousandRequests) {
  const testing::TempDir dir("store-bulk");
  auto record = sample_trial("bulk");
  record.requests.clear();
  record.batches.clear();
  for (std::int64_t r = 0; r < 10'000; ++r) {
    const double t = 0.001 * static_cast<double>(r);
    record.requests.push_back({.id = r,
                               .scheduled_s = t,
                               .arrival_s = t,
                               .batch_id = r / 8,
                               .dispatch_s = t,
                               .start_s = t,
                               .completion_s = t + 0.01});
    if (r % 8 == 0)
      record.batches.push_back({.id = r / 8, .size = 8, .dispatch_s = t, .start_s = t, .end_s = t + 0.01});
  }
  auto store = ResultStore::open(dir.path() / "results.db");
  store.save_trial(record);
  EXPECT_EQ(store.count("requests"), 10'000);
  EXPECT_EQ(store.count("batches"), 1'250);
}

}  // namespace
}  // namespace greenbatch::store
