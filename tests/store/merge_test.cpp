// Merging result stores: golden counts and contents, idempotence, conflicting duplicates,
// refused inputs left untouched, older inputs.
#include "greenbatch/store/merge.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "greenbatch/core/error.h"
#include "greenbatch/store/result_store.h"
#include "store/sample_trials.h"
#include "store/schema.h"
#include "support/error_message.h"
#include "support/stored_trials.h"
#include "support/temp_dir.h"
#include "support/text.h"

namespace greenbatch::store {
namespace {

using testing::contains;

using greenbatch::testing::message_of;
namespace fs = std::filesystem;

std::string bytes_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

StudyRow study_row(const std::string& id, const std::string& created_at) {
  return {id, "study " + id, R"({"name":"study )" + id + R"("})", created_at};
}

// A shard file holding study `study_id` (registered at `created_at`) and `trials` of it.
fs::path make_shard(const fs::path& file, const std::string& study_id, const std::vector<std::string>& trials,
                    const std::string& created_at = "2026-01-01T00:00:00Z") {
  auto store = ResultStore::open(file);
  store.register_study(study_row(study_id, created_at), true);
  std::int64_t position = 0;
  for (const auto& id : trials) store.save_trial(study_trial(id, study_id, 0, position++));
  return file;
}

// Every table of `file` (without the seq columns), in a stable order: equal dumps, equal contents.
std::vector<Row> dump(const fs::path& file) {
  std::vector<Row> all;
  const auto add = [&](const std::string& sql) {
    for (auto& row : query(file, sql)) all.push_back(std::move(row));
  };
  add("SELECT study_id, name, config_json, created_at FROM studies ORDER BY seq");
  add("SELECT trial_id, study_id, energy_j, environment_json FROM trials ORDER BY seq");
  add("SELECT * FROM requests ORDER BY trial_id, request_id");
  add("SELECT * FROM batches ORDER BY trial_id, batch_id");
  add("SELECT * FROM power_domains ORDER BY trial_id, position");
  add("SELECT * FROM power_samples ORDER BY trial_id, time_s");
  return all;
}

std::vector<MergedInput> merge(const fs::path& out, const std::vector<fs::path>& inputs) {
  std::vector<MergedInput> merged;
  merge_stores(out, inputs, [&](const MergedInput& m) { merged.push_back(m); });
  return merged;
}

TEST(Merge, CopiesEveryStudyAndTrialWithItsRows) {
  const testing::TempDir dir("merge-golden");
  const auto a = make_shard(dir.path() / "a.db", "s1", {"t1", "t2"}, "2026-01-01T00:00:00Z");
  const auto b = make_shard(dir.path() / "b.db", "s1", {"t3"}, "2026-01-01T00:05:00Z");
  {
    auto store = ResultStore::open(b);
    store.register_study(study_row("s2", "2026-01-02T00:00:00Z"), true);
    store.save_trial(study_trial("t4", "s2", 1, 0), {.requests = true, .batches = false, .power_trace = false});
  }
  const auto out = dir.path() / "merged.db";
  const auto merged = merge(out, {a, b});
  ASSERT_EQ(merged.size(), 2U);
  EXPECT_EQ(merged[0].file, a);
  EXPECT_EQ(merged[0].studies, 1);
  EXPECT_EQ(merged[0].trials, 2);
  EXPECT_EQ(merged[0].trials_present, 0);
  EXPECT_EQ(merged[0].requests, 6);
  EXPECT_EQ(merged[0].batches, 4);
  EXPECT_EQ(merged[0].power_samples, 4);
  EXPECT_EQ(merged[1].studies, 1);  // s2; s1 is there already (registered at another time: same study)
  EXPECT_EQ(merged[1].trials, 2);
  EXPECT_EQ(merged[1].requests, 6);
  EXPECT_EQ(merged[1].batches, 2);
  EXPECT_EQ(merged[1].power_samples, 2);

  const auto store = ResultStore::open(out);
  EXPECT_EQ(testing::stored_trial_ids(store), (std::vector<std::string>{"t1", "t2", "t3", "t4"}));
  EXPECT_EQ(store.count("trials"), 4);
  EXPECT_EQ(store.count("requests"), 12);
  EXPECT_EQ(store.count("batches"), 6);
  EXPECT_EQ(store.count("power_domains"), 6);
  EXPECT_EQ(store.count("power_samples"), 6);
  EXPECT_EQ(store.count("studies"), 2);
  EXPECT_EQ(query(out, "SELECT study_id, created_at, seq FROM studies ORDER BY seq"),
            (std::vector<Row>{{std::string("s1"), std::string("2026-01-01T00:00:00Z"), std::int64_t{1}},
                              {std::string("s2"), std::string("2026-01-02T00:00:00Z"), std::int64_t{2}}}));
  EXPECT_EQ(query(out, "SELECT seq FROM trials ORDER BY seq"),
            (std::vector<Row>{{std::int64_t{1}}, {std::int64_t{2}}, {std::int64_t{3}}, {std::int64_t{4}}}));
  // Every value of a trial comes over: the full rows of t3 equal those in its shard, seq aside.
  for (const std::string table : {"requests", "batches", "power_domains", "power_samples"}) {
    const auto sql = "SELECT * FROM " + table + " WHERE trial_id = 't3' ORDER BY 2";
    EXPECT_EQ(query(out, sql), query(b, sql)) << table;
  }
  const std::string trial_row = "SELECT * FROM trials WHERE trial_id = 't2'";
  auto in_out = query(out, trial_row).at(0);
  auto in_shard = query(a, trial_row).at(0);
  ASSERT_EQ(in_out.size(), in_shard.size());
  EXPECT_EQ(in_out, in_shard);  // t2 was second in a.db and is second in the output: seq equal too
}

TEST(Merge, MergingAgainChangesNothing) {
  const testing::TempDir dir("merge-idempotent");
  const auto a = make_shard(dir.path() / "a.db", "s1", {"t1", "t2"});
  const auto b = make_shard(dir.path() / "b.db", "s1", {"t3"});
  const auto out = dir.path() / "merged.db";
  merge(out, {a, b});
  const auto before = dump(out);
  ASSERT_FALSE(before.empty());
  const auto again = merge(out, {b, a, a});
  ASSERT_EQ(again.size(), 3U);
  for (const auto& m : again) {
    EXPECT_EQ(m.trials, 0) << m.file;
    EXPECT_EQ(m.studies, 0) << m.file;
    EXPECT_EQ(m.requests + m.batches + m.power_samples, 0) << m.file;
  }
  EXPECT_EQ(again[0].trials_present, 1);
  EXPECT_EQ(again[1].trials_present, 2);
  EXPECT_EQ(dump(out), before);
  EXPECT_EQ(testing::stored_trial_ids(ResultStore::open(out)), (std::vector<std::string>{"t1", "t2", "t3"}));
}

TEST(Merge, ConflictingDuplicateNamesBothFilesAndMergesNothingOfThatInput) {
  const testing::TempDir dir("merge-conflict");
  const auto a = make_shard(dir.path() / "a.db", "s1", {"t1", "t2"});
  const auto c = dir.path() / "c.db";
  {
    auto store = ResultStore::open(c);
    store.register_study(study_row("s3", "2026-01-03T00:00:00Z"), true);
    store.save_trial(study_trial("t5", "s3", 0, 0));
    auto rerun = study_trial("t1", "s1", 0, 0);
    rerun.summary.energy_j = 0.5;  // another run of t1
    store.save_trial(rerun);
  }
  const auto out = dir.path() / "merged.db";
  std::vector<MergedInput> merged;
  const auto message = message_of<InputError>([&] {
    merge_stores(out, {a, c}, [&](const MergedInput& m) { merged.push_back(m); });
  });
  EXPECT_TRUE(contains(message, "trial t1")) << message;
  EXPECT_TRUE(contains(message, c.string())) << message;
  EXPECT_TRUE(contains(message, a.string())) << message;
  ASSERT_EQ(merged.size(), 1U);  // a.db was merged, c.db not at all
  const auto store = ResultStore::open(out);
  EXPECT_EQ(testing::stored_trial_ids(store), (std::vector<std::string>{"t1", "t2"}));
  EXPECT_EQ(store.count("studies"), 1);
  EXPECT_EQ(store.count("requests"), 6);

  // Later, with t1 already in the output: the message names the output as the other file.
  const auto later = message_of<InputError>([&] { merge(out, {c}); });
  EXPECT_TRUE(contains(later, c.string())) << later;
  EXPECT_TRUE(contains(later, out.string())) << later;
}

TEST(Merge, ADifferingRequestRowIsAConflictToo) {
  const testing::TempDir dir("merge-conflict-rows");
  const auto a = make_shard(dir.path() / "a.db", "s1", {"t1"});
  const auto b = make_shard(dir.path() / "b.db", "s1", {"t1"});
  sqlite::Database(b, SQLITE_OPEN_READWRITE).exec("UPDATE requests SET completion_s = 0.5 WHERE request_id = 1");
  const auto out = dir.path() / "merged.db";
  merge(out, {a});
  const auto message = message_of<InputError>([&] { merge(out, {b}); });
  EXPECT_TRUE(contains(message, "trial t1")) << message;
  EXPECT_TRUE(contains(message, "requests")) << message;
}

TEST(Merge, NewerSchemaInputIsRefusedUntouchedBeforeAnythingIsWritten) {
  const testing::TempDir dir("merge-newer");
  const auto a = make_shard(dir.path() / "a.db", "s1", {"t1"});
  const auto newer = make_shard(dir.path() / "newer.db", "s1", {"t2"});
  sqlite::Database(newer, SQLITE_OPEN_READWRITE)
      .exec("PRAGMA user_version = " + std::to_string(schema::latest_version() + 1));
  const auto bytes = bytes_of(newer);
  const auto out = dir.path() / "merged.db";
  const auto message = message_of<InputError>([&] { merge(out, {a, newer}); });
  EXPECT_TRUE(contains(message, newer.string())) << message;
  EXPECT_TRUE(contains(message, "newer greenbatch")) << message;
  EXPECT_EQ(bytes_of(newer), bytes);
  EXPECT_FALSE(fs::exists(out)) << "nothing is written when an input is refused";
}

TEST(Merge, AVersion1InputMergesWithItsNewColumnsNull) {
  const testing::TempDir dir("merge-v1");
  const auto old = dir.path() / "old.db";
  {
    const sqlite::Database db(old, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    db.exec(std::string(schema::migrations().front().sql));
    db.exec("PRAGMA application_id = " + std::to_string(schema::kApplicationId) + "; PRAGMA user_version = 1");
    db.exec(R"(INSERT INTO trials (trial_id, status, config_json, environment_json, seq)
               VALUES ('old', 'ok', '{}', '{"host":"v1"}', 1);
               INSERT INTO requests (trial_id, request_id, arrival_s) VALUES ('old', 0, 0.25))");
  }
  const auto bytes = bytes_of(old);
  const auto out = dir.path() / "merged.db";
  const auto merged = merge(out, {old});
  EXPECT_EQ(merged.at(0).trials, 1);
  EXPECT_EQ(merged.at(0).requests, 1);
  EXPECT_EQ(query(out, "SELECT trial_id, status, study_id, environment_json FROM trials"),
            (std::vector<Row>{{std::string("old"), std::string("ok"), FieldValue{}, std::string(R"({"host":"v1"})")}}));
  EXPECT_EQ(bytes_of(old), bytes);  // the input is not upgraded
}

TEST(Merge, RefusesBadInputsAndOutputsNamingThem) {
  const testing::TempDir dir("merge-bad");
  const auto a = make_shard(dir.path() / "a.db", "s1", {"t1"});
  const auto out = dir.path() / "merged.db";
  const auto missing = dir.path() / "missing.db";
  EXPECT_TRUE(contains(message_of<InputError>([&] {
                         merge(out, {a, missing});
                       }),
                       missing.string() + " does not exist"));
  EXPECT_TRUE(contains(message_of<InputError>([&] { merge(out, {dir.path()}); }), "is a folder"));
  EXPECT_TRUE(contains(message_of<InputError>([&] { merge(dir.path(), {a}); }), "the output " + dir.path().string()));
  EXPECT_TRUE(contains(message_of<InputError>([&] { merge(a, {a}); }), "both the output and an input"));
  std::ofstream(dir.path() / "notes.txt") << "not a database, but long enough to be read as a header by SQLite....\n";
  EXPECT_TRUE(
      contains(message_of<InputError>([&] { merge(out, {dir.path() / "notes.txt"}); }), "not a SQLite database"));
  std::ofstream(dir.path() / "empty.db").close();
  EXPECT_TRUE(contains(message_of<InputError>([&] { merge(out, {dir.path() / "empty.db"}); }), "is empty"));
  EXPECT_TRUE(contains(message_of<UsageError>([&] { merge(out, {}); }), "at least one input"));
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace greenbatch::store
