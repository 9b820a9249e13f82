// End-to-end: `greenbatch study --shard` and `greenbatch merge` — shards merged equal an unsharded
// run's trials, the Slurm array variables select the shard, SIGKILL during a merge leaves the
// output consistent and a rerun completes it, and bad inputs get their exit codes.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "cli/db_rows.h"
#include "cli/run_cli.h"
#include "support/fixture_tree.h"
#include "support/temp_dir.h"
#include "support/text.h"

namespace greenbatch::testing {
namespace {

// 2 models x 3 policies x 1 arrival x 2 repetitions = 12 trials of 10 requests.
constexpr const char* kStudy = R"(name = "merge test"
models = ["synthetic:alpha=0.2,tau0=0.5,mode=sleep", "synthetic:alpha=0.1,tau0=1,mode=sleep"]
policies = ["fixed:1", "fixed:2", "greedy:8"]
arrivals = ["jitter:400"]
requests = 10
repetitions = 2
idle_seconds = 0
rest_seconds = 0
meter = "none"
)";

// Runs shard k of `n` of the study into `dir`/shard-k.db for every k; returns the files.
std::vector<std::string> run_shards(const std::filesystem::path& dir, int n) {
  std::vector<std::string> files;
  for (int k = 0; k < n; ++k) {
    const auto r = run_cli({"study", (dir / "study.toml").string(), "--db", (dir / "shard-{shard}.db").string(),
                            "--shard", std::to_string(k) + "/" + std::to_string(n)});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    files.push_back((dir / ("shard-" + std::to_string(k) + ".db")).string());
  }
  return files;
}

std::vector<std::string> trial_ids(const std::filesystem::path& db) {
  return query(db, "SELECT trial_id FROM trials ORDER BY trial_id");
}

TEST(MergeCli, ShardsMergedHoldEveryTrialOfTheUnshardedRunOnce) {
  TempDir dir("merge_cli_shards");
  write_file(dir.path() / "study.toml", kStudy);
  const auto whole = dir.path() / "whole.db";
  ASSERT_EQ(run_cli({"study", (dir.path() / "study.toml").string(), "--db", whole.string()}).exit_code, 0);
  ASSERT_EQ(trial_ids(whole).size(), 12U);

  const auto shards = run_shards(dir.path(), 5);
  std::size_t sharded = 0;
  for (const auto& file : shards) {
    const auto n = query_count(file, "SELECT COUNT(*) FROM trials");
    EXPECT_TRUE(n == 2 || n == 3) << file << " holds " << n;  // 12 over 5: balanced
    sharded += n;
  }
  EXPECT_EQ(sharded, 12U);

  const auto merged = dir.path() / "merged.db";
  std::vector<std::string> args{"merge", merged.string()};
  args.insert(args.end(), shards.begin(), shards.end());
  const auto r = run_cli(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, merged.string() + " now holds 12 trials of 1 studies")) << r.out;
  EXPECT_TRUE(contains(r.out, shards[0] + ": 3 trials added (30 requests")) << r.out;
  EXPECT_EQ(trial_ids(merged), trial_ids(whole));
  EXPECT_EQ(query_count(merged, "SELECT COUNT(*) FROM requests"), 120U);
  EXPECT_EQ(query(merged, "SELECT study_id FROM studies"), query(whole, "SELECT study_id FROM studies"));
  // Positions are those of the unsharded running order.
  EXPECT_EQ(query(merged, "SELECT trial_id || ':' || position FROM trials ORDER BY position"),
            query(whole, "SELECT trial_id || ':' || position FROM trials ORDER BY position"));

  // Every trial's environment can be grouped by host, CPU, GPUs, backend and meter across shards.
  EXPECT_EQ(query_count(merged,
                        "SELECT COUNT(*) FROM trials WHERE json_type(environment_json, '$.host') = 'text' "
                        "AND json_type(environment_json, '$.cpu') = 'text' AND "
                        "json_type(environment_json, '$.gpus') = 'array' AND "
                        "json_extract(environment_json, '$.backend.kind') = 'synthetic' AND "
                        "json_type(environment_json, '$.meters') = 'text'"),
            12U);

  const auto again = run_cli(args);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(contains(again.out, shards[0] + ": 0 trials added (0 requests, 0 batches, 0 power samples), 3 already "
                                              "present"))
      << again.out;
  EXPECT_EQ(query_count(merged, "SELECT COUNT(*) FROM trials"), 12U);

  // The whole run is another run of the same trials: refused, naming both files.
  const auto conflict = run_cli({"merge", merged.string(), whole.string()});
  EXPECT_EQ(conflict.exit_code, 3);
  EXPECT_TRUE(contains(conflict.err, whole.string()) && contains(conflict.err, merged.string())) << conflict.err;
}

TEST(MergeCli, SlurmArrayVariablesSelectTheShardAndResumeIt) {
  TempDir dir("merge_cli_slurm_env");
  write_file(dir.path() / "study.toml", kStudy);
  setenv("SLURM_ARRAY_TASK_ID", "4", 1);
  setenv("SLURM_ARRAY_TASK_MIN", "3", 1);
  setenv("SLURM_ARRAY_TASK_MAX", "6", 1);
  const std::vector<std::string> args{"study", (dir.path() / "study.toml").string(), "--db",
                                      (dir.path() / "{host}-{shard}.db").string()};
  const auto r = run_cli(args);
  const auto again = run_cli(args);
  unsetenv("SLURM_ARRAY_TASK_ID");
  unsetenv("SLURM_ARRAY_TASK_MIN");
  unsetenv("SLURM_ARRAY_TASK_MAX");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "shard 1/4): 3 trials planned, 0 already stored, 3 run now")) << r.out;
  EXPECT_TRUE(contains(again.out, "shard 1/4): 3 trials planned, 3 already stored, 0 run now")) << again.out;
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    if (entry.path().string().ends_with("-1.db")) {
      ++files;
      EXPECT_EQ(query_count(entry.path(), "SELECT COUNT(*) FROM trials"), 3U);
    }
  }
  EXPECT_EQ(files, 1U) << "one file named HOST-1.db";
}

// Each input's trials in `out` are whole: as many requests and power samples as in the input.
void expect_whole_trials(const std::filesystem::path& out, const std::vector<std::string>& inputs) {
  EXPECT_EQ(query(out, "PRAGMA integrity_check"), std::vector<std::string>{"ok"});
  for (const auto& input : inputs) {
    for (const auto& id : trial_ids(input)) {
      if (query_count(out, "SELECT COUNT(*) FROM trials WHERE trial_id = '" + id + "'") == 0) continue;
      for (const std::string table : {"requests", "batches", "power_samples"}) {
        const auto sql = "SELECT COUNT(*) FROM " + table + " WHERE trial_id = '" + id + "'";
        EXPECT_EQ(query_count(out, sql), query_count(input, sql)) << table << " of " << id;
      }
    }
  }
}

TEST(MergeCli, SigkillDuringMergeLeavesWholeInputsAndARerunCompletes) {
  TempDir dir("merge_cli_sigkill");
  write_file(dir.path() / "study.toml", kStudy);
  const auto shards = run_shards(dir.path(), 3);
  // Many power samples per trial make each input's transaction long enough to be killed in.
  for (const auto& file : shards) {
    std::string error;
    ASSERT_TRUE(execute(file,
                        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99999) "
                        "INSERT INTO power_samples (trial_id, time_s, total_w, watts_json) "
                        "SELECT t.trial_id, n.i * 0.01, 10.0 + (n.i % 7), '[10.0]' FROM trials t, n",
                        error))
        << error;
  }
  const auto out = dir.path() / "merged.db";
  std::vector<std::string> args{"merge", out.string()};
  args.insert(args.end(), shards.begin(), shards.end());
  const int pid = spawn_cli(args, (dir.path() / "killed.log").string());
  const auto first = trial_ids(shards[0]).size();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (query_count(out, "SELECT COUNT(*) FROM trials") < first && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status)) << "the merge ended before it could be killed";
  const auto held = query_count(out, "SELECT COUNT(*) FROM trials");
  const auto second = first + trial_ids(shards[1]).size();
  EXPECT_TRUE(held == first || held == second) << held << " trials: not whole inputs";
  expect_whole_trials(out, shards);

  const auto r = run_cli(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(query_count(out, "SELECT COUNT(*) FROM trials"), 12U);
  EXPECT_EQ(query_count(out, "SELECT COUNT(DISTINCT trial_id) FROM trials"), 12U);
  expect_whole_trials(out, shards);
  EXPECT_EQ(query_count(out, "SELECT COUNT(*) FROM power_samples"), 12U * 100000U);
}

TEST(MergeCli, BadShardsAndMergeInputsGetTheirExitCodes) {
  TempDir dir("merge_cli_bad");
  write_file(dir.path() / "study.toml", kStudy);
  const auto study = (dir.path() / "study.toml").string();
  const auto db = (dir.path() / "r.db").string();
  for (const auto* shard : {"3/3", "0/0", "x/3"}) {
    const auto r = run_cli({"study", study, "--db", db, "--shard", shard});
    EXPECT_EQ(r.exit_code, 2) << shard << ": " << r.err;
    EXPECT_TRUE(contains(r.err, "--shard")) << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(db)) << "nothing written for a bad --shard";
  const auto no_shard = run_cli({"study", study, "--db", (dir.path() / "r-{shard}.db").string()});
  EXPECT_EQ(no_shard.exit_code, 2);
  EXPECT_TRUE(contains(no_shard.err, "{shard}")) << no_shard.err;

  const auto missing = run_cli({"merge", db, (dir.path() / "none.db").string()});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_TRUE(contains(missing.err, "none.db does not exist")) << missing.err;
  const auto folder_out = run_cli({"merge", dir.path().string(), study});
  EXPECT_EQ(folder_out.exit_code, 3);
  EXPECT_TRUE(contains(folder_out.err, "is a folder")) << folder_out.err;
  EXPECT_EQ(run_cli({"merge", db}).exit_code, 2);  // no input
  const auto not_a_store = run_cli({"merge", db, study});
  EXPECT_EQ(not_a_store.exit_code, 3);
  EXPECT_TRUE(contains(not_a_store.err, "not a SQLite database")) << not_a_store.err;
}

}  // namespace
}  // namespace greenbatch::testing
