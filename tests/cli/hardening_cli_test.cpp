// End-to-end: the bad inputs and faults a new user hit, each with its exact input, run under a
// memory cap and a time bound: a clear error naming the input, the right exit code, nothing lost
// or half-written.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "cli/run_cli.h"
#include "support/fixture_tree.h"
#include "support/temp_dir.h"
#include "support/text.h"

namespace greenbatch::testing {
namespace {

constexpr int kMemoryMib = 2048;  // far below what the unbounded work would take
constexpr int kSeconds = 60;      // far above what a refused input takes

// A synthetic run with extra flags, bounded.
CliResult run_bounded(const std::vector<std::string>& extra) {
  std::vector<std::string> args{"run",     "--backend", "synthetic:alpha=0.1,tau0=0.1,mode=sleep",
                                "--meter", "none",      "--idle-seconds",
                                "0",       "--policy",  "greedy:8"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_cli_bounded(args, kMemoryMib, kSeconds);
}

// Expects a usage error (exit 2) whose message holds every `parts`.
void expect_usage_error(const CliResult& r, const std::vector<std::string>& parts) {
  EXPECT_EQ(r.exit_code, 2) << r.err;
  for (const auto& part : parts) EXPECT_TRUE(contains(r.err, part)) << "missing '" << part << "' in: " << r.err;
  EXPECT_FALSE(contains(r.err, "internal error")) << r.err;
}

TEST(HardeningCli, OutOfRangeCountsAndNonFiniteNumbersAreRefusedNotClamped) {
  expect_usage_error(run_bounded({"--arrival", "poisson:100", "--requests", "99999999999999999999"}),
                     {"--requests", "outside the 64-bit integer range"});
  expect_usage_error(run_bounded({"--arrival", "poisson:100", "--duration", "1e30"}), {"--duration", "<= 604800"});
  expect_usage_error(run_bounded({"--arrival", "poisson:100", "--requests", "5", "--sample-ms", "nan"}),
                     {"--sample-ms", "not a finite decimal number"});
  expect_usage_error(run_bounded({"--arrival", "poisson:100", "--requests", "5", "--slo", "nan"}), {"--slo"});
  expect_usage_error(run_bounded({"--arrival", "poisson:100", "--requests", "5", "--idle-seconds", "nan"}),
                     {"--idle-seconds"});
  expect_usage_error(run_bounded({"--arrival", "poisson:100", "--requests", "5", "--queue-capacity", "1e9"}),
                     {"--queue-capacity"});
  expect_usage_error(run_bounded({"--arrival", "poisson:100", "--requests", "5", "--threads", "100000"}),
                     {"--threads", "between 0 and 1024"});
  expect_usage_error(run_bounded({"--arrival", "poisson:100", "--requests", "5", "--seed", "-1"}), {"--seed", ">= 0"});
}

TEST(HardeningCli, LeadingZerosAreDecimalAndAHugeQueueCostsNothing) {
  const auto r = run_bounded(
      {"--arrival", "poisson:200", "--requests", "010", "--queue-capacity", "5000000", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "\"served\": 10,")) << r.out;
}

TEST(HardeningCli, FarFutureArrivalsAreCalledOut) {
  expect_usage_error(run_bounded({"--arrival", "poisson:1e-300", "--requests", "5"}), {"past the trial clock's limit"});
  TempDir dir("hardening-trace");
  const auto trace = dir.path() / "epoch.txt";
  write_file(trace, "1764400000000\n1764400000100\n");  // epoch milliseconds
  expect_usage_error(run_bounded({"--arrival", "trace:" + trace.string(), "--requests", "2"}), {"epoch"});
}

TEST(HardeningCli, MeterNoneCannotBeCombinedAndUnknownCommandsAreNamed) {
  expect_usage_error(run_cli_bounded({"run", "--backend", "synthetic:alpha=0.1", "--policy", "greedy", "--arrival",
                                      "poisson:100", "--requests", "5", "--meter", "none,estimate"},
                                     kMemoryMib, kSeconds),
                     {"'none' stands alone"});
  expect_usage_error(run_cli_bounded({"simulat"}, kMemoryMib, kSeconds), {"unknown command 'simulat'", "simulate"});
  expect_usage_error(run_cli_bounded({"run", "--backend", "synthetic:alpha=1,alpha=2", "--policy", "greedy",
                                      "--arrival", "poisson:10", "--requests", "2", "--meter", "none"},
                                     kMemoryMib, kSeconds),
                     {"alpha is given twice"});
}

TEST(HardeningCli, StoresAreNeverCreatedOrDamagedByReadingCommands) {
  TempDir dir("hardening-store");
  const auto missing = dir.path() / "missing.db";
  auto r = run_cli_bounded({"export", "--db", missing.string(), "--table", "trials"}, kMemoryMib, kSeconds);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_FALSE(std::filesystem::exists(missing));

  const auto empty = dir.path() / "empty.db";
  write_file(empty, "");
  r = run_cli_bounded({"report", "--db", empty.string(), "--out", (dir.path() / "report").string()}, kMemoryMib,
                      kSeconds);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(contains(r.err, "is empty")) << r.err;
  EXPECT_EQ(std::filesystem::file_size(empty), 0u);  // no schema written into it

  const auto corrupt = dir.path() / "corrupt.db";
  write_file(corrupt, std::string(4096, 'x'));
  r = run_cli_bounded({"export", "--db", corrupt.string(), "--table", "trials"}, kMemoryMib, kSeconds);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(contains(r.err, "not a SQLite database")) << r.err;

  r = run_cli_bounded({"export", "--db", dir.path().string(), "--table", "trials"}, kMemoryMib, kSeconds);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(contains(r.err, "is a folder")) << r.err;

  r = run_cli_bounded({"study", GREENBATCH_SOURCE_DIR "/examples/study-quick.toml", "--db", ""}, kMemoryMib, kSeconds);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "--db is empty")) << r.err;
}

TEST(HardeningCli, ExportReplacesItsOutputWholeOrNotAtAll) {
  TempDir dir("hardening-export");
  const auto db = dir.path() / "results.db";
  ASSERT_EQ(run_bounded({"--arrival", "poisson:200", "--requests", "5", "--db", db.string()}).exit_code, 0);
  const auto out = dir.path() / "trials.csv";
  write_file(out, "previous content\n");
  // A folder that does not exist: nothing is written, the old file elsewhere is untouched.
  auto r = run_cli_bounded(
      {"export", "--db", db.string(), "--table", "trials", "--out", (dir.path() / "nope" / "trials.csv").string()},
      kMemoryMib, kSeconds);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  r = run_cli_bounded({"export", "--db", db.string(), "--table", "trials", "--out", out.string()}, kMemoryMib,
                      kSeconds);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(out);
  std::string header;
  std::getline(in, header);
  EXPECT_TRUE(header.starts_with("trial_id,")) << header;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_FALSE(entry.path().filename().string().starts_with(".trials.csv.tmp")) << "temporary file left behind";
  }
}

TEST(HardeningCli, OutputFoldersUnknownStudiesAndNanBoundsAreNamed) {
  TempDir dir("hardening-report");
  const auto db = dir.path() / "results.db";
  ASSERT_EQ(run_bounded({"--arrival", "poisson:200", "--requests", "5", "--db", db.string()}).exit_code, 0);
  const auto file = dir.path() / "a-file";
  write_file(file, "keep me\n");
  auto r = run_cli_bounded({"report", "--db", db.string(), "--out", file.string()}, kMemoryMib, kSeconds);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(contains(r.err, "--out " + file.string() + ": that is a file")) << r.err;
  EXPECT_FALSE(contains(r.err, "internal error")) << r.err;
  std::ifstream kept(file);
  std::string line;
  std::getline(kept, line);
  EXPECT_EQ(line, "keep me");

  r = run_cli_bounded({"report", "--db", db.string(), "--study", "nope", "--out", (dir.path() / "r").string()},
                      kMemoryMib, kSeconds);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(contains(r.err, "--study nope: " + db.string() + " holds no such study")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "r"));

  const std::string profile = GREENBATCH_SOURCE_DIR "/bench/profiles/shufflenet_v2_x1_0.json";
  expect_usage_error(run_cli_bounded({"recommend", "--profile", profile, "--arrival", "poisson:20", "--slo-p95", "nan"},
                                     kMemoryMib, kSeconds),
                     {"--slo-p95", "not a finite decimal number"});
}

TEST(HardeningCli, AReportThatCannotWriteAFigureKeepsThePreviousReportWhole) {
  TempDir dir("hardening-report-write");
  const auto db = dir.path() / "results.db";
  ASSERT_EQ(run_bounded({"--arrival", "poisson:200", "--requests", "5", "--db", db.string()}).exit_code, 0);
  const auto out = dir.path() / "report";
  auto r = run_cli_bounded({"report", "--db", db.string(), "--out", out.string()}, kMemoryMib, kSeconds);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto html = read_text(out / "report.html");
  std::filesystem::path figure;
  for (const auto& entry : std::filesystem::directory_iterator(out)) {
    if (entry.path().extension() == ".svg") figure = entry.path();
  }
  ASSERT_FALSE(figure.empty()) << "the report drew no figure";
  // A figure's name taken by a folder: its write fails as a full disk's would.
  std::filesystem::remove(figure);
  std::filesystem::create_directory(figure);
  r = run_cli_bounded({"report", "--db", db.string(), "--out", out.string()}, kMemoryMib, kSeconds);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(contains(r.err, "drawing the figures into " + out.string() + " failed")) << r.err;
  EXPECT_EQ(read_text(out / "report.html"), html);  // the previous report is left whole
  for (const auto& entry : std::filesystem::directory_iterator(out)) {
    EXPECT_FALSE(contains(entry.path().filename().string(), ".tmp-")) << "temporary file left: " << entry.path();
  }
}

TEST(HardeningCli, TimelineChecksItsYearsBeforeMeasuring) {
  TempDir dir("hardening-timeline");
  const auto r = run_cli_bounded({"timeline", "--models", "resnet50", "--out", (dir.path() / "t").string()}, kMemoryMib,
                                 kSeconds);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(contains(r.err, "at least two different years")) << r.err;
  EXPECT_FALSE(contains(r.err, "measuring")) << r.err;  // refused before any model ran
}

TEST(HardeningCli, ASimulationTooLargeForMemoryIsRefusedUpFront) {
  const std::string profile = GREENBATCH_SOURCE_DIR "/bench/profiles/shufflenet_v2_x1_0.json";
  const auto r = run_cli_bounded({"simulate", "--profile", profile, "--policy", "greedy:8", "--interpolate",
                                  "--arrival", "poisson:20", "--requests", "10000000"},
                                 1024, kSeconds);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(contains(r.err, "simulating 10000000 requests")) << r.err;
  EXPECT_TRUE(contains(r.err, "GiB of memory")) << r.err;
  EXPECT_TRUE(contains(r.err, "--requests")) << r.err;
}

TEST(HardeningCli, BadImagesAreNamed) {
  TempDir dir("hardening-images");
  const auto images = dir.path() / "images";
  std::filesystem::create_directories(images);
  std::filesystem::create_symlink(dir.path() / "gone.jpg", images / "link.jpg");
  write_file(dir.path() / "s.toml",
             "name = \"images\"\nmodels = [\"synthetic:alpha=0.1,tau0=0\"]\n"
             "policies = [\"fixed:1\"]\narrivals = [\"poisson:100\"]\nrequests = 3\n"
             "meter = \"none\"\nidle_seconds = 0\nrest_seconds = 0\nimages = \"images\"\n");
  auto r = run_cli_bounded({"study", (dir.path() / "s.toml").string(), "--db", (dir.path() / "s.db").string()},
                           kMemoryMib, kSeconds);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(contains(r.err, "link.jpg' is a broken symbolic link")) << r.err;

  std::filesystem::remove(images / "link.jpg");
  // A JPEG cut short: the start of a valid JPEG without its end marker.
  write_file(images / "cut.jpg",
             std::string("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 20));
  r = run_cli_bounded({"study", (dir.path() / "s.toml").string(), "--db", (dir.path() / "s.db").string()}, kMemoryMib,
                      kSeconds);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(contains(r.err, "cut.jpg' is truncated")) << r.err;
}

TEST(HardeningCli, AStudyThatCannotRunHereIsRefusedBeforeItIsRegistered) {
  TempDir dir("hardening-cuda");
  const std::string study =
      "name = \"cuda\"\nmodels = [\"synthetic:alpha=0.1,tau0=0\"]\npolicies = [\"fixed:1\"]\n"
      "arrivals = [\"poisson:200\"]\nrequests = 3\nmeter = \"none\"\nidle_seconds = 0\n"
      "rest_seconds = 0\n";
  write_file(dir.path() / "s.toml", study + "device = \"cuda\"\n");
  const auto db = dir.path() / "s.db";
  auto r = run_cli_bounded({"study", (dir.path() / "s.toml").string(), "--db", db.string()}, kMemoryMib, kSeconds);
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_TRUE(contains(r.err, "has no CUDA")) << r.err;
  // A precision a planned model cannot run, before any trial: the first cell runs fp32, so a
  // refusal at load would come only after it had been stored.
  write_file(dir.path() / "s.toml", study + "precisions = [\"fp32\", \"int8\"]\n");
  r = run_cli_bounded({"study", (dir.path() / "s.toml").string(), "--db", db.string()}, kMemoryMib, kSeconds);
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_TRUE(contains(r.err, "precisions and models in")) << r.err;
  EXPECT_TRUE(contains(r.err, "--precision int8 for synthetic:")) << r.err;
  write_file(dir.path() / "s.toml", study);  // corrected: runs on the same store
  r = run_cli_bounded({"study", (dir.path() / "s.toml").string(), "--db", db.string()}, kMemoryMib, kSeconds);
  EXPECT_EQ(r.exit_code, 0) << r.err;

  write_file(dir.path() / "huge.toml", study + "repetitions = 1000000000\n");
  r = run_cli_bounded({"study", (dir.path() / "huge.toml").string(), "--db", (dir.path() / "huge.db").string()},
                      kMemoryMib, kSeconds);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(contains(r.err, "more than the 1000000 a study may plan")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "huge.db"));
}

// The number of trials stored in `db` (0 while it does not exist yet).
int stored_trials(const std::filesystem::path& db) {
  if (!std::filesystem::exists(db)) return 0;
  sqlite3* handle = nullptr;
  int count = 0;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(handle, 5000);
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(handle, "SELECT COUNT(*) FROM trials", -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
      count = sqlite3_column_int(statement, 0);
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(handle);
  return count;
}

TEST(HardeningCli, OneStudyPerStoreAndAnInterruptionSaysHowToResume) {
  TempDir dir("hardening-lock");
  write_file(dir.path() / "s.toml",
             "name = \"lock\"\nmodels = [\"synthetic:alpha=1,tau0=0,mode=sleep\"]\n"
             "policies = [\"fixed:1\", \"fixed:2\"]\narrivals = [\"poisson:50\"]\n"
             "requests = 20\nmeter = \"none\"\nidle_seconds = 0\nrest_seconds = 0\n"
             "repetitions = 20\n");
  const auto db = dir.path() / "s.db";
  const auto log = (dir.path() / "first.log").string();
  const int pid = spawn_cli({"study", (dir.path() / "s.toml").string(), "--db", db.string()}, log);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (stored_trials(db) < 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_GE(stored_trials(db), 1) << "the first study did not start";
  const auto second = run_cli_bounded({"study", (dir.path() / "s.toml").string(), "--db", db.string()}, kMemoryMib,
                                      kSeconds);
  EXPECT_EQ(second.exit_code, 3) << second.err;
  EXPECT_TRUE(contains(second.err, "in use by another greenbatch study (process " + std::to_string(pid))) << second.err;

  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the study ended before it was interrupted";
  EXPECT_EQ(WTERMSIG(status), SIGINT);
  std::ifstream in(log);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  EXPECT_TRUE(contains(text, "interrupted; every trial finished so far is stored in")) << text;
  EXPECT_TRUE(contains(text, "rerun the same command to resume")) << text;
}

}  // namespace
}  // namespace greenbatch::testing
