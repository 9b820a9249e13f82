// End-to-end: `greenbatch run` with every policy and arrival process, storing to SQLite, on a zoo
// model, and every bad input (clear error, non-zero exit, nothing written to the database).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "cli/run_cli.h"
#include "support/fixture_tree.h"
#include "support/temp_dir.h"
#include "support/text.h"

namespace greenbatch::testing {
namespace {

using nlohmann::json;

// The first column of the first row of `sql` run on `db`.
std::int64_t query_int(const std::filesystem::path& db, const std::string& sql) {
  sqlite3* handle = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement, nullptr), SQLITE_OK) << sqlite3_errmsg(handle);
  EXPECT_EQ(sqlite3_step(statement), SQLITE_ROW);
  const auto value = sqlite3_column_int64(statement, 0);
  sqlite3_finalize(statement);
  sqlite3_close(handle);
  return value;
}

// A run on the synthetic backend with no meter or idle wait, so it takes about as long as its arrivals.
CliResult run_synthetic(const std::vector<std::string>& extra) {
  std::vector<std::string> args{
      "run", "--backend", "synthetic:alpha=0.5,tau0=1,mode=sleep", "--meter", "none", "--idle-seconds", "0", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_cli(args);
}

TEST(RunCli, EveryPolicyWithEveryArrivalProcessOnTheSyntheticBackend) {
  TempDir dir("run_cli_all");
  write_file(dir.path() / "trace.txt", "# arrival times, s\n0.01\n0.02\n0.02\n0.05\n0.08\n0.09\n");
  for (const std::string policy : {"fixed:4", "fixed:4,timeout=5", "greedy", "dynamic:8,3,preferred=2|4"}) {
    for (const std::string& arrival : std::vector<std::string>{"jitter:400", "poisson:400", "onoff:800,0.02,0.02",
                                                               "trace:" + (dir.path() / "trace.txt").string()}) {
      const auto r = run_synthetic({"--policy", policy, "--arrival", arrival, "--requests", "6"});
      ASSERT_EQ(r.exit_code, 0) << policy << " " << arrival << "\n" << r.err;
      const auto row = json::parse(r.out).at(0);
      EXPECT_EQ(row["served"], 6) << policy << " " << arrival;
      EXPECT_EQ(row["rejected"], 0);
      EXPECT_EQ(row["status"], "ok");
      EXPECT_EQ(row["energy_source"], "none");
    }
  }
}

TEST(RunCli, StoresTheTrialItsRequestsBatchesAndPowerTrace) {
  TempDir dir("run_cli_db");
  const auto db = dir.path() / "results.db";
  const auto r = run_cli({"run", "--backend", "synthetic:alpha=0.5,tau0=2,mode=spin", "--policy", "fixed:5",
                          "--arrival", "jitter:200", "--duration", "1", "--meter", "estimate", "--idle-seconds", "0.2",
                          "--slo", "50", "--db", db.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "energy_source                 estimate")) << r.out;
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM trials"), 1);
  const auto served = query_int(db, "SELECT served FROM trials");
  EXPECT_GT(served, 150);
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM requests"), served);
  EXPECT_EQ(query_int(db, "SELECT SUM(size) FROM batches"), served);
  EXPECT_GT(query_int(db, "SELECT COUNT(*) FROM power_samples"), 50);  // ~1 s at 10 ms
  EXPECT_EQ(query_int(db, "SELECT COUNT(*) FROM trials WHERE energy_source = 'estimate' AND energy_j > 0"), 1);
}

TEST(RunCli, ZooModelWithGeneratedImages) {
  const auto r = run_cli({"run", "--model", "squeezenet1_1", "--threads", "1", "--policy", "greedy:4", "--arrival",
                          "poisson:20", "--requests", "12", "--meter", "estimate", "--idle-seconds", "0", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto row = json::parse(r.out).at(0);
  EXPECT_EQ(row["served"], 12);
  EXPECT_EQ(row["images"], "generated");
  EXPECT_EQ(row["backend"], "torch");
  EXPECT_GT(row["service_mean_ms"].get<double>(), 1.0);  // a real forward pass, decoding included
}

TEST(RunCli, CorruptImageInTheFolderIsRefusedBeforeTheTrial) {
  TempDir dir("run_cli_images");
  write_file(dir.path() / "a.jpg", "not a jpeg");
  const auto r = run_cli({"run", "--model", "squeezenet1_1", "--policy", "greedy", "--arrival", "poisson:10",
                          "--requests", "2", "--images", dir.path().string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(contains(r.err, (dir.path() / "a.jpg").string())) << r.err;
}

// Each bad input: its exit code and a part of its message; none may create the database.
struct BadInput {
  std::vector<std::string> args;
  int exit_code;
  std::string message;
};

TEST(RunCli, BadInputsAreClearErrorsAndWriteNothing) {
  TempDir dir("run_cli_bad");
  std::filesystem::create_directories(dir.path() / "empty");
  write_file(dir.path() / "bad-trace.txt", "0.1\n0.2\nsoon\n");
  const auto db = dir.path() / "never.db";
  const std::vector<BadInput> cases{
      {{"--policy", "fixed:4", "--arrival", "poisson:0", "--requests", "5"}, 2, "RATE"},
      {{"--policy", "fixed:4", "--arrival", "jitter:-3", "--requests", "5"}, 2, "RATE"},
      {{"--policy", "fixed:0", "--arrival", "poisson:10", "--requests", "5"}, 2, "B must be a whole number >= 1"},
      {{"--policy", "dynamic:4,5,preferred=8", "--arrival", "poisson:10", "--requests", "5"},
       2,
       "preferred size 8 is above MAX 4"},
      {{"--policy", "dynamic:4,-1", "--arrival", "poisson:10", "--requests", "5"}, 2, "DELAY_MS"},
      {{"--policy", "batchy", "--arrival", "poisson:10", "--requests", "5"}, 2, "valid policies"},
      {{"--policy", "greedy", "--arrival", "burst:10", "--requests", "5"}, 2, "jitter"},
      {{"--policy", "greedy", "--arrival", "poisson:10"}, 2, "requests"},
      {{"--policy", "fixed:64", "--arrival", "poisson:10", "--requests", "5", "--queue-capacity", "8"},
       2,
       "--queue-capacity 8 is below"},
      {{"--policy", "greedy", "--arrival", "trace:" + (dir.path() / "bad-trace.txt").string(), "--requests", "5"},
       3,
       "line 3"},
      {{"--policy", "greedy", "--arrival", "poisson:10", "--requests", "5", "--images",
        (dir.path() / "empty").string()},
       3,
       "holds no .jpg"},
      {{"--policy", "greedy", "--arrival", "poisson:10", "--requests", "5", "--images",
        (dir.path() / "missing").string()},
       3,
       "cannot be read"},
  };
  for (const auto& c : cases) {
    auto args = c.args;
    args.insert(args.end(), {"--db", db.string()});
    const auto r = run_synthetic(args);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.args[1] << " " << c.args[3] << "\n" << r.err;
    EXPECT_TRUE(contains(r.err, c.message)) << r.err;
    EXPECT_FALSE(std::filesystem::exists(db)) << "a bad input created the database";
  }
}

}  // namespace
}  // namespace greenbatch::testing
