// Reading the result store's tables back for export: golden CSV and JSON, row order, study filter.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "greenbatch/core/error.h"
#include "greenbatch/store/result_store.h"
#include "greenbatch/store/table.h"
#include "support/temp_dir.h"

namespace greenbatch::store {
namespace {

std::string golden(const std::string& name) {
  std::ifstream in(std::string(GREENBATCH_SOURCE_DIR) + "/tests/store/golden/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string csv(const Table& table) {
  std::ostringstream out;
  write_csv(out, table);
  return out.str();
}

std::string json(const Table& table) {
  std::ostringstream out;
  write_json(out, table);
  return out.str();
}

// One trial of a study on the estimate meter: request 0 served alone in batch 0, request 1 rejected.
trial::TrialRecord golden_trial() {
  trial::TrialRecord r;
  r.trial_id = "e1";
  r.started_at = "2024-05-01T12:00:00Z";
  r.config.model = "synthetic:alpha=0.5,tau0=1,mode=sleep";
  r.config.backend = "synthetic";
  r.config.threads = 1;
  r.config.weights = "none";
  r.config.policy = "greedy";
  r.config.arrival = "jitter:200,spread=0.2";
  r.config.requests = 2;
  r.config.seed = 3;
  r.config.slo_ms = 50.0;
  r.config.queue_capacity = 16;
  r.config.images = "none";
  r.config.meter = "estimate";
  r.config.idle_seconds = 0.0;
  r.environment_json = R"({"host":"box","cpu":"test"})";
  auto& s = r.summary;
  s.requests = 2;
  s.served = 1;
  s.rejected = 1;
  s.batches = 1;
  s.duration_s = 0.0125;
  s.throughput_rps = 80.0;
  s.mean_batch_size = 1.0;
  s.response_mean_ms = s.response_p50_ms = s.response_p90_ms = s.response_p95_ms = s.response_p99_ms =
      s.response_max_ms = 12.5;
  s.wait_mean_ms = s.wait_p95_ms = 1.0;
  s.service_mean_ms = s.service_p95_ms = 11.5;
  s.lateness_max_ms = 0.5;
  s.slo_attainment = 0.5;
  s.energy_source = "estimate";
  s.energy_status = "ok";
  s.energy_j = 0.25;
  s.static_energy_j = 0.125;
  s.dynamic_energy_j = 0.125;
  s.energy_per_request_j = 0.25;
  s.dynamic_energy_per_request_j = 0.125;
  s.idle_power_w = 10.0;
  s.avg_power_w = 20.0;
  s.peak_power_w = 22.5;
  s.energy_by_domain_j = "cpu=0.25";
  r.requests = {
      {.id = 0,
       .scheduled_s = 0.0,
       .arrival_s = 0.0005,
       .batch_id = 0,
       .dispatch_s = 0.001,
       .start_s = 0.0015,
       .completion_s = 0.013},
      {.id = 1, .scheduled_s = 0.005, .arrival_s = 0.005, .rejected = true},
  };
  r.batches = {{.id = 0, .size = 1, .dispatch_s = 0.001, .start_s = 0.0015, .end_s = 0.013}};
  r.study_id = "0123456789abcdef";
  r.repetition = 1;
  r.position = 3;
  return r;
}

// A trial of `study_id` with requests of ids `request_ids` (saved in that order) and one batch.
trial::TrialRecord small_trial(const std::string& id, std::optional<std::string> study_id,
                               const std::vector<std::int64_t>& request_ids) {
  trial::TrialRecord r;
  r.trial_id = id;
  r.environment_json = "{}";
  r.study_id = std::move(study_id);
  for (const auto request : request_ids) r.requests.push_back({.id = request, .rejected = request % 2 == 1});
  r.batches = {{.id = 0, .size = 1}};
  return r;
}

// The first column of every row, as text.
std::vector<std::string> first_column(const Table& table) {
  std::vector<std::string> values;
  for (const auto& row : table.rows) values.push_back(to_text(row.at(0)));
  return values;
}

// The first two columns of every row, as "A/B".
std::vector<std::string> first_two_columns(const Table& table) {
  std::vector<std::string> values;
  for (const auto& row : table.rows) values.push_back(to_text(row.at(0)) + "/" + to_text(row.at(1)));
  return values;
}

class StoreExport : public ::testing::Test {
 protected:
  StoreExport() : store_(ResultStore::open(dir_.path() / "results.db")) {}
  testing::TempDir dir_{"store-export"};
  ResultStore store_;
};

TEST_F(StoreExport, TrialsCsvMatchesGolden) {
  store_.save_trial(golden_trial());
  EXPECT_EQ(csv(store_.read_table("trials")), golden("export_trials.csv"));
}

TEST_F(StoreExport, TrialsJsonMatchesGolden) {
  store_.save_trial(golden_trial());
  EXPECT_EQ(json(store_.read_table("trials")), golden("export_trials.json"));
}

TEST_F(StoreExport, RequestsCsvMatchesGolden) {
  store_.save_trial(golden_trial());
  EXPECT_EQ(csv(store_.read_table("requests")), golden("export_requests.csv"));
}

TEST_F(StoreExport, BatchesCsvMatchesGolden) {
  store_.save_trial(golden_trial());
  EXPECT_EQ(csv(store_.read_table("batches")), golden("export_batches.csv"));
}

// What the store gives back equals the in-memory export of the same records, value kinds
// included (flags come back as flags, not 0/1).
TEST_F(StoreExport, TablesEqualTheInMemoryExportOfTheSameRecords) {
  const auto record = golden_trial();
  store_.save_trial(record);

  auto trials = to_table(std::vector<trial::TrialRecord>{record});
  trials.columns.insert(trials.columns.end(), {"config_json", "environment_json"});
  trials.rows[0].insert(trials.rows[0].end(), {trial::config_json(record.config), record.environment_json});
  const auto stored_trials = store_.read_table("trials");
  EXPECT_EQ(stored_trials.columns, trials.columns);
  EXPECT_EQ(stored_trials.rows, trials.rows);

  // Requests and batches: the trial id first, then the record's fields.
  const auto with_trial_id = [&](Table table) {
    table.columns.insert(table.columns.begin(), "trial_id");
    for (auto& row : table.rows) row.insert(row.begin(), FieldValue{record.trial_id});
    return table;
  };
  const auto requests = with_trial_id(to_table(record.requests));
  const auto stored_requests = store_.read_table("requests");
  EXPECT_EQ(stored_requests.columns, requests.columns);
  EXPECT_EQ(stored_requests.rows, requests.rows);
  ASSERT_TRUE(std::holds_alternative<bool>(stored_requests.rows.at(1).at(4)));
  const auto batches = with_trial_id(to_table(record.batches));
  const auto stored_batches = store_.read_table("batches");
  EXPECT_EQ(stored_batches.columns, batches.columns);
  EXPECT_EQ(stored_batches.rows, batches.rows);
}

TEST_F(StoreExport, RowsFollowTheSaveOrderThenTheIds) {
  store_.save_trial(small_trial("b", std::nullopt, {2, 0, 1}));
  store_.save_trial(small_trial("a", std::nullopt, {1, 0}));
  EXPECT_EQ(first_column(store_.read_table("trials")), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(first_two_columns(store_.read_table("requests")),
            (std::vector<std::string>{"b/0", "b/1", "b/2", "a/0", "a/1"}));
  EXPECT_EQ(first_two_columns(store_.read_table("batches")), (std::vector<std::string>{"b/0", "a/0"}));
}

TEST_F(StoreExport, StudiesAndTheStudyFilter) {
  store_.register_study({"s2", "second", R"({"name":"second"})", "2024-05-02T08:00:00Z"}, false);
  store_.register_study({"s1", "first", R"({"name":"first"})", "2024-05-01T12:00:00Z"}, true);
  store_.save_trial(small_trial("t1", "s1", {0, 1}));
  store_.save_trial(small_trial("t2", std::nullopt, {0}));
  store_.save_trial(small_trial("t3", "s2", {0}));
  store_.save_trial(small_trial("t4", "s1", {0}));

  const auto studies = store_.read_table("studies");
  EXPECT_EQ(studies.columns, (std::vector<std::string>{"study_id", "name", "config_json", "created_at"}));
  EXPECT_EQ(csv(studies),
            "study_id,name,config_json,created_at\n"
            "s2,second,\"{\"\"name\"\":\"\"second\"\"}\",2024-05-02T08:00:00Z\n"
            "s1,first,\"{\"\"name\"\":\"\"first\"\"}\",2024-05-01T12:00:00Z\n");
  EXPECT_EQ(first_column(store_.read_table("studies", "s1")), (std::vector<std::string>{"s1"}));

  EXPECT_EQ(first_column(store_.read_table("trials")), (std::vector<std::string>{"t1", "t2", "t3", "t4"}));
  EXPECT_EQ(first_column(store_.read_table("trials", "s1")), (std::vector<std::string>{"t1", "t4"}));
  EXPECT_EQ(first_two_columns(store_.read_table("requests", "s1")), (std::vector<std::string>{"t1/0", "t1/1", "t4/0"}));
  EXPECT_EQ(first_two_columns(store_.read_table("batches", "s2")), (std::vector<std::string>{"t3/0"}));
  for (const auto table : kExportTables) {
    const auto none = store_.read_table(table, "no-such-study");
    EXPECT_TRUE(none.rows.empty()) << table;
    EXPECT_EQ(none.columns, store_.read_table(table).columns) << table;
  }
}

TEST_F(StoreExport, AnEmptyStoreExportsHeadersOnly) {
  EXPECT_EQ(csv(store_.read_table("batches")), "trial_id,batch_id,size,dispatch_s,start_s,end_s\n");
  EXPECT_EQ(json(store_.read_table("studies")), "[]\n");
}

TEST_F(StoreExport, UnknownTablesAreAUsageErrorListingTheValidOnes) {
  for (const std::string table : {"power_samples", "sqlite_master", "trials; DROP TABLE trials", ""}) {
    try {
      (void)store_.read_table(table);
      ADD_FAILURE() << "no error for '" << table << "'";
    } catch (const UsageError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("'" + table + "'"), std::string::npos) << message;
      EXPECT_NE(message.find("trials, requests, batches, studies"), std::string::npos) << message;
    }
  }
  EXPECT_EQ(store_.count("trials"), 0);
}

}  // namespace
}  // namespace greenbatch::store
