// End-to-end: `greenbatch study` — runs a synthetic study, survives SIGKILL mid-study and resumes
// with every trial stored exactly once and complete; refuses another study's database.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "cli/db_rows.h"
#include "cli/run_cli.h"
#include "support/fixture_tree.h"
#include "support/temp_dir.h"
#include "support/text.h"

namespace greenbatch::testing {
namespace {

std::size_t stored_trials(const std::filesystem::path& db) { return query_count(db, "SELECT COUNT(*) FROM trials"); }

// Starts the study, SIGKILLs it once `kill_after` trials are stored, and returns the trial ids
// stored at that moment.
std::vector<std::string> run_and_kill(const std::vector<std::string>& args, const std::filesystem::path& db,
                                      std::size_t kill_after, const std::string& log) {
  const int pid = spawn_cli(args, log);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  while (stored_trials(db) < kill_after && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status)) << "the study ended before it could be killed";
  return query(db, "SELECT trial_id FROM trials ORDER BY trial_id");
}

// Every trial once, complete: its request rows equal its planned requests and its batch sizes
// add up to what it served.
void expect_complete(const std::filesystem::path& db, std::size_t trials, int requests_per_trial) {
  EXPECT_EQ(stored_trials(db), trials);
  EXPECT_EQ(query(db, "SELECT COUNT(DISTINCT trial_id) FROM trials")[0], std::to_string(trials));
  EXPECT_EQ(query(db,
                  "SELECT COUNT(*) FROM trials t WHERE (SELECT COUNT(*) FROM requests r WHERE r.trial_id = "
                  "t.trial_id) <> " +
                      std::to_string(requests_per_trial))[0],
            "0");
  EXPECT_EQ(query(db,
                  "SELECT COUNT(*) FROM trials t WHERE (SELECT COALESCE(SUM(size), 0) FROM batches b WHERE "
                  "b.trial_id = t.trial_id) <> t.served")[0],
            "0");
  EXPECT_EQ(query(db, "SELECT COUNT(*) FROM requests WHERE trial_id NOT IN (SELECT trial_id FROM trials)")[0], "0");
}

constexpr const char* kStudy = R"(name = "resume test"
models = ["synthetic:alpha=0.5,tau0=2,mode=sleep", "synthetic:alpha=1,tau0=1,mode=sleep"]
policies = ["fixed:1", "fixed:2", "greedy:8"]
arrivals = ["jitter:100"]
requests = 20
repetitions = 2
idle_seconds = 0.05
rest_seconds = 0.05
meter = "estimate"
keep_power_trace = true
)";

TEST(StudyCli, SigkillMidStudyThenResumeStoresEveryTrialOnce) {
  TempDir dir("study_cli_resume");
  write_file(dir.path() / "study.toml", kStudy);
  const auto db = dir.path() / "results.db";
  const std::vector<std::string> args{"study", (dir.path() / "study.toml").string(), "--db", db.string()};
  const auto before = run_and_kill(args, db, 3, (dir.path() / "killed.log").string());
  ASSERT_GE(before.size(), 3u);
  ASSERT_LT(before.size(), 12u);
  expect_complete(db, before.size(), 20);  // nothing partial after the kill

  const auto r = run_cli(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "resuming: " + std::to_string(before.size()) + " of 12 trials already stored")) << r.err;
  expect_complete(db, 12, 20);
  const auto after = query(db, "SELECT trial_id FROM trials ORDER BY trial_id");
  for (const auto& id : before) EXPECT_NE(std::ranges::find(after, id), after.end()) << id;

  const auto again = run_cli(args);  // nothing left to do
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(contains(again.out, "12 already stored, 0 run now")) << again.out;
}

TEST(StudyCli, ShortenedPaperStudyKilledAndResumedKeepsEveryCompletedTrial) {
  TempDir dir("study_cli_paper");
  const auto db = dir.path() / "paper.db";
  std::vector<std::string> args{"study", GREENBATCH_SOURCE_DIR "/examples/study-paper.toml",
                                "--db",  db.string(),
                                "--set", "models=[\"synthetic:alpha=0.2,tau0=1,mode=sleep\"]",
                                "--set", "requests=5",
                                "--set", "repetitions=1",
                                "--set", "idle_seconds=0",
                                "--set", "rest_seconds=0.05",
                                "--set", "meter=\"none\"",
                                "--set", "rates=[100, 200]"};
  const auto before = run_and_kill(args, db, 4, (dir.path() / "killed.log").string());
  ASSERT_GE(before.size(), 4u);
  const auto r = run_cli(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_complete(db, 16, 5);  // 1 model x 8 policies x 2 rates x 1 repetition
  const auto after = query(db, "SELECT trial_id FROM trials ORDER BY trial_id");
  for (const auto& id : before) EXPECT_NE(std::ranges::find(after, id), after.end()) << id;
}

TEST(StudyCli, AnotherStudysDatabaseIsRefusedUnlessForced) {
  TempDir dir("study_cli_other");
  write_file(dir.path() / "a.toml", std::string(kStudy) + "seed = 7\n");
  write_file(dir.path() / "b.toml", std::string(kStudy) + "seed = 8\n");
  const auto db = dir.path() / "shared.db";
  const std::vector<std::string> shorten{"--set", "repetitions=1", "--set", "policies=[\"greedy\"]"};
  auto a = std::vector<std::string>{"study", (dir.path() / "a.toml").string(), "--db", db.string()};
  a.insert(a.end(), shorten.begin(), shorten.end());
  ASSERT_EQ(run_cli(a).exit_code, 0);
  auto b = std::vector<std::string>{"study", (dir.path() / "b.toml").string(), "--db", db.string()};
  b.insert(b.end(), shorten.begin(), shorten.end());
  const auto refused = run_cli(b);
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_TRUE(contains(refused.err, "--force")) << refused.err;
  EXPECT_EQ(stored_trials(db), 2u);
  b.push_back("--force");
  EXPECT_EQ(run_cli(b).exit_code, 0);
  EXPECT_EQ(stored_trials(db), 4u);
}

TEST(StudyCli, BadConfigNamesFileLineAndKeyBeforeAnythingRuns) {
  TempDir dir("study_cli_bad");
  write_file(dir.path() / "bad.toml", std::string(kStudy) + "polices = [\"fixed:2\"]\n");
  const auto db = dir.path() / "never.db";
  const auto r = run_cli({"study", (dir.path() / "bad.toml").string(), "--db", db.string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(contains(r.err, "bad.toml:11")) << r.err;
  EXPECT_TRUE(contains(r.err, "did you mean 'policies'")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(db));
}

}  // namespace
}  // namespace greenbatch::testing
