// End-to-end: `greenbatch export` of a stored run as CSV and JSON, to stdout and to a file, and its
// bad inputs (a missing store is never created, an unknown table lists the valid ones).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/run_cli.h"
#include "support/temp_dir.h"
#include "support/text.h"

namespace greenbatch::testing {
namespace {

using nlohmann::json;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Stores one 6-request trial on the synthetic backend in `dir`/results.db and returns that path.
std::filesystem::path stored_run(const TempDir& dir) {
  const auto db = dir.path() / "results.db";
  const auto r = run_cli({"run", "--backend", "synthetic:alpha=0.5,tau0=1,mode=sleep", "--policy", "fixed:2",
                          "--arrival", "jitter:200", "--requests", "6", "--meter", "none", "--idle-seconds", "0",
                          "--db", db.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return db;
}

TEST(ExportCli, RequestsAsCsvAndJson) {
  const TempDir dir("export_cli_requests");
  const auto db = stored_run(dir);

  const auto csv = run_cli({"export", "--db", db.string(), "--table", "requests", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const auto lines = lines_of(csv.out);
  ASSERT_EQ(lines.size(), 7u) << csv.out;
  EXPECT_EQ(lines[0], "trial_id,request_id,scheduled_s,arrival_s,rejected,batch_id,dispatch_s,start_s,completion_s");
  const auto trial_id = lines[1].substr(0, lines[1].find(','));
  EXPECT_FALSE(trial_id.empty());
  for (std::size_t i = 1; i < lines.size(); ++i) {
    EXPECT_TRUE(lines[i].starts_with(trial_id + "," + std::to_string(i - 1) + ",")) << lines[i];
    EXPECT_TRUE(contains(lines[i], ",false,")) << lines[i];  // a flag, as in the in-memory export
  }

  const auto r = run_cli({"export", "--db", db.string(), "--table", "requests", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = json::parse(r.out);
  ASSERT_TRUE(rows.is_array());
  ASSERT_EQ(rows.size(), 6u);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i]["trial_id"], trial_id);
    EXPECT_EQ(rows[i]["request_id"], i);
    EXPECT_EQ(rows[i]["rejected"], false);
    EXPECT_TRUE(rows[i]["completion_s"].is_number()) << rows[i];
  }
}

TEST(ExportCli, TrialsOfARunHaveNoStudyAndOutWritesAFile) {
  const TempDir dir("export_cli_out");
  const auto db = stored_run(dir);
  const auto out = dir.path() / "trials.json";
  const auto r = run_cli(
      {"export", "--db", db.string(), "--table", "trials", "--format", "json", "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  const auto rows = json::parse(read_text(out));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["requests"], 6);
  EXPECT_EQ(rows[0]["backend"], "synthetic");
  EXPECT_TRUE(rows[0]["study_id"].is_null());
  EXPECT_TRUE(rows[0].contains("config_json"));
  EXPECT_FALSE(rows[0].contains("seq"));
  EXPECT_EQ(read_text(out), run_cli({"export", "--db", db.string(), "--table", "trials", "--format", "json"}).out);
}

TEST(ExportCli, MissingDatabaseIsAnInputErrorAndIsNotCreated) {
  const TempDir dir("export_cli_missing");
  const auto db = dir.path() / "missing.db";
  const auto r = run_cli({"export", "--db", db.string(), "--table", "trials"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(contains(r.err, db.string())) << r.err;
  EXPECT_FALSE(std::filesystem::exists(db));
}

TEST(ExportCli, UnknownTableIsAUsageErrorListingTheValidOnes) {
  const TempDir dir("export_cli_table");
  const auto db = stored_run(dir);
  const auto r = run_cli({"export", "--db", db.string(), "--table", "power_samples"});
  EXPECT_EQ(r.exit_code, 2);
  for (const char* table : {"trials", "requests", "batches", "studies"}) EXPECT_TRUE(contains(r.err, table)) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST(ExportCli, UnwritableOutIsRefusedBeforeReading) {
  const TempDir dir("export_cli_unwritable");
  const auto db = stored_run(dir);
  const auto out = dir.path() / "no-such-folder" / "trials.csv";
  const auto r = run_cli({"export", "--db", db.string(), "--table", "trials", "--out", out.string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(contains(r.err, out.string())) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

}  // namespace
}  // namespace greenbatch::testing
