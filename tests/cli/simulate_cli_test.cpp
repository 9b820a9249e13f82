// End-to-end: profile the synthetic backend into a profile document, simulate from it (with the
// analytic bound), and every bad input (clear error, the right exit code).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <memory>

#include "cli/run_cli.h"
#include "support/fixture_tree.h"
#include "support/temp_dir.h"
#include "support/text.h"

namespace greenbatch::testing {
namespace {

using nlohmann::json;

// One profile document of the synthetic backend (1 ms per image + 2 ms per batch), measured live
// for the tests of `profile --out`. Simulations read a checked-in document of the same backend
// whose latencies are exact (alpha*b + tau0, samples ±1 %), so no result depends on how fast or
// loaded this machine is.
class SimulateCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>("simulate_cli");
    const auto r = run_cli({"profile", "--backend", "synthetic:alpha=1,tau0=2,mode=sleep", "-b", "1,2,4,8",
                            "--min-seconds", "0.2", "--meter", "none", "--idle-seconds", "0", "--out", profile()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() { dir_.reset(); }
  static std::string profile() { return (dir_->path() / "P.json").string(); }

  static std::string exact_profile() { return GREENBATCH_SOURCE_DIR "/tests/cli/data/synthetic-alpha1-tau2.json"; }

  static CliResult simulate(const std::vector<std::string>& extra) {
    std::vector<std::string> args{"simulate", "--profile", exact_profile()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli(args);
  }

  static std::unique_ptr<TempDir> dir_;
};

std::unique_ptr<TempDir> SimulateCli::dir_;

TEST_F(SimulateCli, ProfileOutJsonIsADocumentWithEveryBatchLatency) {
  std::ifstream in(profile());
  const auto doc = json::parse(in);
  EXPECT_EQ(doc["format"], "greenbatch-profile");
  EXPECT_EQ(doc["version"], 2);
  EXPECT_TRUE(doc["environment"].is_object());
  EXPECT_TRUE(doc["idle_power_w"].is_null());
  EXPECT_EQ(doc["energy_source"], "none");
  ASSERT_EQ(doc["cells"].size(), 4U);
  for (const auto& cell : doc["cells"]) {
    EXPECT_EQ(cell["latency_samples_ms"].size(), cell["batches"].get<std::size_t>());
    EXPECT_GE(cell["latency_mean_ms"].get<double>(), cell["batch_size"].get<double>() + 2.0);
    EXPECT_TRUE(cell["energy_per_batch_j"].is_null());
    // The default idle gaps 5, 20, 100, 500 ms (0 is the back-to-back batches), 3 batches each.
    ASSERT_EQ(cell["idle_gaps"].size(), 4U) << cell["idle_gaps"];
    for (const auto& gap : cell["idle_gaps"]) {
      EXPECT_EQ(gap["latency_samples_ms"].size(), 3U);
      for (const auto& ms : gap["latency_samples_ms"])
        EXPECT_GE(ms.get<double>(), cell["batch_size"].get<double>() + 2.0);
    }
    EXPECT_EQ(cell["idle_gaps"][3]["gap_ms"], 500.0);
  }
}

TEST_F(SimulateCli, ProfileOutCsvStaysAFlatTable) {
  const auto csv = (dir_->path() / "P.csv").string();
  const auto r = run_cli({"profile", "--backend", "synthetic:alpha=1,tau0=2,mode=sleep", "-b", "1", "--min-seconds",
                          "0", "--meter", "none", "--idle-seconds", "0", "--out", csv});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(csv);
  std::string header;
  std::getline(in, header);
  EXPECT_TRUE(header.starts_with("model,backend,device,threads")) << header;
  EXPECT_FALSE(contains(header, "latency_samples_ms"));
}

TEST_F(SimulateCli, SimulatesTheProfiledBackendLikeARun) {
  const auto r = simulate(
      {"--policy", "fixed:2", "--arrival", "poisson:100", "--requests", "2000", "--slo", "50", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto row = json::parse(r.out).at(0);
  EXPECT_EQ(row["model"], "synthetic:alpha=1,tau0=2,mode=sleep");
  EXPECT_EQ(row["backend"], "synthetic");
  EXPECT_EQ(row["policy"], "fixed:2");
  EXPECT_EQ(row["requests"], 2000);
  EXPECT_EQ(row["served"], 2000);
  EXPECT_EQ(row["interpolated"], false);
  EXPECT_EQ(row["energy_source"], "none");
  EXPECT_TRUE(contains(row["status_detail"], "simulated"));
  // Batches of 2 take ~4 ms; at 100 requests/s a request waits ~10 ms for its partner.
  EXPECT_GT(row["response_mean_ms"].get<double>(), 4.0);
  EXPECT_LT(row["response_mean_ms"].get<double>(), 30.0);
  EXPECT_NEAR(row["mean_batch_size"].get<double>(), 2.0, 1e-9);

  const auto table = simulate({"--policy", "fixed:2", "--arrival", "poisson:100", "--duration", "5"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(contains(table.out, "response_p99_ms")) << table.out;
  EXPECT_TRUE(contains(table.out, "interpolated")) << table.out;
}

TEST_F(SimulateCli, SameSeedSameResult) {
  const std::vector<std::string> args{"--policy",   "greedy:8", "--interpolate", "--arrival", "poisson:400",
                                      "--requests", "3000",     "--seed",        "9",         "--json"};
  const auto a = json::parse(simulate(args).out).at(0);
  const auto b = json::parse(simulate(args).out).at(0);
  for (const char* key : {"response_mean_ms", "response_p99_ms", "batches", "duration_s"}) EXPECT_EQ(a[key], b[key]);
  EXPECT_EQ(a["interpolated"], true);
}

TEST_F(SimulateCli, AnalyticBoundBesideTheSimulatedMean) {
  const auto r = simulate({"--policy", "greedy:8", "--interpolate", "--deterministic", "--arrival", "poisson:300",
                           "--requests", "20000", "--analytic", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "Inoue (2021)")) << r.err;
  const auto row = json::parse(r.out).at(0);
  EXPECT_NEAR(row["inoue_alpha_ms"].get<double>(), 1.0, 1e-6);
  EXPECT_NEAR(row["inoue_tau0_ms"].get<double>(), 2.0, 1e-6);
  EXPECT_GT(row["inoue_fit_r2"].get<double>(), 0.999999);
  // The profile is nearly linear, so the simulated mean sits close under the bound.
  const double mean = row["response_mean_ms"].get<double>();
  const double bound = row["inoue_bound_ms"].get<double>();
  EXPECT_LT(mean, bound * 1.05);
  EXPECT_GT(mean, bound * 0.6);

  const auto fixed = simulate({"--policy", "fixed:2", "--arrival", "poisson:100", "--requests", "10", "--analytic"});
  EXPECT_EQ(fixed.exit_code, 2);
  EXPECT_TRUE(contains(fixed.err, "greedy batching under Poisson arrivals")) << fixed.err;
}

TEST_F(SimulateCli, BadInputsAreClearErrors) {
  const auto missing = simulate({"--policy", "fixed:4", "--arrival", "poisson:100", "--requests", "10"});
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_TRUE(contains(missing.err, "no cell at batch size 3")) << missing.err;
  EXPECT_TRUE(contains(missing.err, "it measured 1, 2, 4, 8")) << missing.err;
  EXPECT_TRUE(contains(missing.err, "--interpolate")) << missing.err;

  const auto beyond = simulate(
      {"--policy", "fixed:16", "--interpolate", "--arrival", "poisson:100", "--requests", "10"});
  EXPECT_EQ(beyond.exit_code, 3);
  EXPECT_TRUE(contains(beyond.err, "9..16")) << beyond.err;

  // fixed:1 on ~3 ms batches completes at most ~330 requests/s.
  const auto unstable = simulate({"--policy", "fixed:1", "--arrival", "poisson:1000", "--requests", "10"});
  EXPECT_EQ(unstable.exit_code, 3);
  EXPECT_TRUE(contains(unstable.err, "unstable at 1000 requests/s")) << unstable.err;

  const auto absent = run_cli({"simulate", "--profile", (dir_->path() / "none.json").string(), "--policy", "fixed:1",
                               "--arrival", "poisson:10", "--requests", "10"});
  EXPECT_EQ(absent.exit_code, 3);
  EXPECT_TRUE(contains(absent.err, "cannot be opened")) << absent.err;

  const auto garbage = dir_->path() / "garbage.json";
  write_file(garbage, "model,batch_size\nx,1\n");
  const auto bad = run_cli({"simulate", "--profile", garbage.string(), "--policy", "fixed:1", "--arrival", "poisson:10",
                            "--requests", "10"});
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_TRUE(contains(bad.err, "is not valid JSON")) << bad.err;

  const auto neither = simulate({"--policy", "fixed:1", "--arrival", "poisson:10"});
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_TRUE(contains(neither.err, "exactly one of --requests")) << neither.err;
}

}  // namespace
}  // namespace greenbatch::testing
