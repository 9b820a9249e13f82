// Typed loading from the result store: every stored field comes back into the record, a missing
// column or a value of the wrong kind is an error naming it.
#include <gtest/gtest.h>

#include "greenbatch/core/error.h"
#include "greenbatch/store/result_store.h"
#include "store/sqlite_handle.h"
#include "support/error_message.h"
#include "support/temp_dir.h"

namespace greenbatch::store {
namespace {

using testing::message_of;
using testing::TempDir;

// A trial with a value in every column the loader reads (optionals set, distinct numbers).
trial::TrialRecord full_trial(const std::string& id, std::optional<std::string> study, std::int64_t repetition) {
  trial::TrialRecord r;
  r.trial_id = id;
  r.started_at = "2024-05-01T12:00:00Z";
  r.status = trial::TrialStatus::meter_failed;
  r.status_detail = "counter wrapped";
  r.config = {.model = "synthetic:alpha=2,tau0=1",
              .backend = "synthetic",
              .threads = 3,
              .weights = "none",
              .policy = "fixed:4,timeout=inf",
              .arrival = "jitter:100,spread=0.2",
              .requests = 30,
              .duration_s = 1.5,
              .seed = 11,
              .slo_ms = 40.0,
              .queue_capacity = 64,
              .images = "none",
              .meter = "estimate",
              .idle_seconds = 0.25};
  r.environment_json = R"({"host":"node-7"})";
  r.requested_json = R"({"policy":"fixed:4"})";
  r.energy_window = trial::TimeSpan{0.001, 0.031};
  auto& s = r.summary;
  s.requests = 30;
  s.served = 28;
  s.rejected = 2;
  s.batches = 7;
  s.duration_s = 0.31;
  s.throughput_rps = 90.3;
  s.mean_batch_size = 4.0;
  s.response_mean_ms = 12.5;
  s.response_p50_ms = 11.0;
  s.response_p90_ms = 19.0;
  s.response_p95_ms = 21.0;
  s.response_p99_ms = 24.0;
  s.response_max_ms = 25.0;
  s.wait_mean_ms = 6.0;
  s.wait_p95_ms = 9.0;
  s.service_mean_ms = 6.5;
  s.service_p95_ms = 8.0;
  s.lateness_max_ms = 0.7;
  s.late_requests = 1;
  s.slo_attainment = 0.9;
  s.energy_source = "estimate";
  s.energy_status = "ok";
  s.energy_j = 1.25;
  s.static_energy_j = 0.5;
  s.dynamic_energy_j = 0.75;
  s.energy_per_request_j = 0.0446;
  s.dynamic_energy_per_request_j = 0.0268;
  s.idle_power_w = 1.6;
  s.avg_power_w = 4.0;
  s.peak_power_w = 5.5;
  s.energy_by_domain_j = "package-0=1.25";
  r.batches = {{.id = 0, .size = 4, .dispatch_s = 0.010, .start_s = 0.011, .end_s = 0.020},
               {.id = 1, .size = 3, .dispatch_s = 0.021, .start_s = 0.021, .end_s = 0.029}};
  r.study_id = std::move(study);
  r.repetition = repetition;
  r.position = repetition + 10;
  return r;
}

TEST(LoadTrials, EveryStoredFieldComesBack) {
  TempDir dir("load_trials_round_trip");
  auto store = ResultStore::open(dir.path() / "s.db");
  const auto saved = full_trial("t1", "study-a", 2);
  store.save_trial(saved);
  const auto loaded = store.load_trials();
  ASSERT_EQ(loaded.size(), 1u);
  for (const auto& field : fields(static_cast<const trial::TrialRecord*>(nullptr))) {
    EXPECT_EQ(field.get(loaded[0]), field.get(saved)) << field.name;
  }
  EXPECT_EQ(loaded[0].environment_json, saved.environment_json);
  EXPECT_EQ(loaded[0].requested_json, saved.requested_json);
  ASSERT_TRUE(loaded[0].energy_window.has_value());
  EXPECT_DOUBLE_EQ(loaded[0].energy_window->begin_s, 0.001);
  EXPECT_DOUBLE_EQ(loaded[0].energy_window->end_s, 0.031);
  EXPECT_EQ(store.trace_clock("t1"), TraceClock::trial);
  EXPECT_EQ(loaded[0].study_id, "study-a");
  EXPECT_EQ(loaded[0].repetition, 2);
  EXPECT_EQ(loaded[0].position, 12);
  EXPECT_TRUE(loaded[0].batches.empty()) << "batches are loaded on request";
}

TEST(LoadTrials, ARemoteTrialsTargetOutcomeAndRequestsComeBack) {
  TempDir dir("load_trials_remote");
  auto store = ResultStore::open(dir.path() / "s.db");
  auto saved = full_trial("r1", std::nullopt, 0);
  saved.status = trial::TrialStatus::requests_failed;
  saved.config.target = "http://127.0.0.1:8000";
  saved.remote = trial::RemoteOutcome{2.5, "rapl", "http_503=1;timeout=2", "this machine"};
  remote::RemoteRequest request;
  request.id = 0;
  request.sent_s = 0.001;
  request.fault = remote::Fault::timeout;
  saved.remote_requests = {request, request};
  saved.remote_requests[1].id = 1;
  store.save_trial(saved);
  const auto loaded = store.load_trials();
  ASSERT_EQ(loaded.size(), 1u);
  for (const auto& field : fields(static_cast<const trial::TrialRecord*>(nullptr))) {
    EXPECT_EQ(field.get(loaded[0]), field.get(saved)) << field.name;
  }
  ASSERT_TRUE(loaded[0].remote);
  EXPECT_EQ(loaded[0].remote->request_faults, "http_503=1;timeout=2");
  EXPECT_EQ(store.count("remote_requests"), 2);
  const auto rows = store.read_table("remote_requests");
  ASSERT_EQ(rows.rows.size(), 2u);
  EXPECT_EQ(rows.columns.front(), "trial_id");
  // An in-process trial has no remote outcome.
  store.save_trial(full_trial("t2", std::nullopt, 0));
  EXPECT_FALSE(store.load_trials().back().remote);
}

TEST(LoadTrials, OneStudysTrialsInTheOrderSaved) {
  TempDir dir("load_trials_study");
  auto store = ResultStore::open(dir.path() / "s.db");
  store.save_trial(full_trial("b", "one", 0));
  store.save_trial(full_trial("a", "two", 0));
  store.save_trial(full_trial("c", "one", 1));
  store.save_trial(full_trial("d", std::nullopt, 0));
  std::vector<std::string> ids;
  for (const auto& t : store.load_trials("one")) ids.push_back(t.trial_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(store.load_trials().size(), 4u);
  EXPECT_FALSE(store.load_trials().back().study_id.has_value());
}

TEST(LoadTrials, AMissingColumnIsAnErrorNamingIt) {
  TempDir dir("load_trials_missing");
  const auto file = dir.path() / "s.db";
  ResultStore::open(file).save_trial(full_trial("t1", std::nullopt, 0));
  sqlite::Database(file, SQLITE_OPEN_READWRITE).exec("ALTER TABLE trials DROP COLUMN response_p95_ms");
  const auto store = ResultStore::open(file);
  const auto message = message_of<InputError>([&] { (void)store.load_trials(); });
  EXPECT_NE(message.find("no column 'response_p95_ms'"), std::string::npos) << message;
  EXPECT_NE(message.find(file.string()), std::string::npos) << message;
}

TEST(LoadTrials, AnUnknownStatusIsAnErrorNamingIt) {
  TempDir dir("load_trials_status");
  const auto file = dir.path() / "s.db";
  ResultStore::open(file).save_trial(full_trial("t1", std::nullopt, 0));
  sqlite::Database(file, SQLITE_OPEN_READWRITE).exec("UPDATE trials SET status = 'exploded'");
  const auto store = ResultStore::open(file);
  const auto message = message_of<InputError>([&] { (void)store.load_trials(); });
  EXPECT_NE(message.find("column 'status' of trial t1 should hold a status this greenbatch knows (not 'exploded'"),
            std::string::npos)
      << message;
}

TEST(LoadTrials, AValueOfTheWrongKindNamesColumnAndTrial) {
  TempDir dir("load_trials_kind");
  const auto file = dir.path() / "s.db";
  ResultStore::open(file).save_trial(full_trial("t1", std::nullopt, 0));
  sqlite::Database(file, SQLITE_OPEN_READWRITE).exec("UPDATE trials SET served = 'many'");
  const auto store = ResultStore::open(file);
  const auto message = message_of<InputError>([&] { (void)store.load_trials(); });
  EXPECT_NE(message.find("column 'served' of trial t1 should hold a number"), std::string::npos) << message;
}

TEST(LoadBatches, InDispatchOrderOnTheTrialsClock) {
  TempDir dir("load_batches");
  auto store = ResultStore::open(dir.path() / "s.db");
  const auto saved = full_trial("t1", std::nullopt, 0);
  store.save_trial(saved);
  const auto batches = store.load_batches("t1");
  ASSERT_EQ(batches.size(), 2u);
  for (std::size_t i = 0; i < batches.size(); ++i) {
    EXPECT_EQ(batches[i].id, saved.batches[i].id);
    EXPECT_EQ(batches[i].size, saved.batches[i].size);
    EXPECT_DOUBLE_EQ(batches[i].start_s, saved.batches[i].start_s);
    EXPECT_DOUBLE_EQ(batches[i].end_s, saved.batches[i].end_s);
    EXPECT_DOUBLE_EQ(batches[i].dispatch_s, saved.batches[i].dispatch_s);
  }
  EXPECT_TRUE(store.load_batches("no-such-trial").empty());
}

}  // namespace
}  // namespace greenbatch::store
