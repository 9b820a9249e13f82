// End-to-end: profile the synthetic backend with the estimate meter, recommend a batching policy
// from the profile (JSON and text), verify the winner live, and every bad input.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <memory>

#include "cli/run_cli.h"
#include "support/temp_dir.h"
#include "support/text.h"

namespace greenbatch::testing {
namespace {

using nlohmann::json;

// One profile document of the synthetic backend (1 ms per image + 2 ms per batch) for the suite.
class RecommendCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>("recommend_cli");
    const auto r = run_cli({"profile", "--backend", "synthetic:alpha=1,tau0=2,mode=sleep", "-b", "1,2,4,8",
                            "--min-seconds", "0.2", "--meter", "estimate", "--idle-seconds", "0.2", "--out",
                            profile()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() { dir_.reset(); }
  static std::string profile() { return (dir_->path() / "P.json").string(); }

  static CliResult recommend(const std::vector<std::string>& extra) {
    std::vector<std::string> args{"recommend", "--profile", profile()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli(args);
  }

  // The smallest mean batch latency in the profile, ms.
  static double fastest_ms() {
    std::ifstream in(profile());
    const auto doc = json::parse(in);
    double fastest = 1e9;
    for (const auto& cell : doc["cells"]) {
      fastest = std::min(fastest, cell["latency_mean_ms"].get<double>());
    }
    return fastest;
  }

  static std::unique_ptr<TempDir> dir_;
};

std::unique_ptr<TempDir> RecommendCli::dir_;

TEST_F(RecommendCli, RecommendsTheLeastEnergyWithinTheSloAsJson) {
  const auto r = recommend(
      {"--arrival", "poisson:200", "--slo-p95", "40", "--requests", "4000", "--interpolate", "--top", "5", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto out = json::parse(r.out);
  EXPECT_EQ(out["status"], "ok");
  EXPECT_EQ(out["model"], "synthetic:alpha=1,tau0=2,mode=sleep");
  EXPECT_EQ(out["percentile"], "p95");
  EXPECT_EQ(out["energy_source"], "simulated from estimate");
  EXPECT_EQ(out["simulated"], 71);  // 56 fixed, greedy and dynamic; slo:40,max=2|4|8 with 5 margins
  const auto& winner = out["winner"];
  EXPECT_LE(winner["response_p95_ms"].get<double>(), 40.0);
  EXPECT_EQ(winner["meets_slo"], true);
  EXPECT_EQ(winner["rejected"], 0);
  EXPECT_GT(winner["energy_per_request_j"].get<double>(), 0.0);

  const auto& candidates = out["candidates"];
  ASSERT_EQ(candidates.size(), 5U);
  EXPECT_EQ(candidates[0], winner);
  for (std::size_t i = 1; i < candidates.size(); ++i) {
    EXPECT_EQ(candidates[i]["meets_slo"], true);
    EXPECT_GE(candidates[i]["energy_per_request_j"].get<double>(),
              candidates[i - 1]["energy_per_request_j"].get<double>());
  }
  EXPECT_EQ(out["no_batching"]["policy"], "fixed:1");
  EXPECT_GE(out["no_batching"]["saving_percent"].get<double>(), 0.0);  // fixed:1 meets 40 ms at 200/s
  EXPECT_EQ(out["greedy"]["policy"], "greedy:8");
  EXPECT_TRUE(out["greedy"]["prediction"].is_object());

  // The same search without interpolation skips the policies that need sizes 3, 5, 6, 7.
  const auto strict = recommend({"--arrival", "poisson:200", "--slo-p95", "40", "--requests", "4000", "--json"});
  ASSERT_EQ(strict.exit_code, 0) << strict.err;
  const auto s = json::parse(strict.out);
  EXPECT_GT(s["skipped_by_reason"]["missing_batch_sizes"].get<int>(), 0);
  EXPECT_EQ(s["simulated"].get<std::size_t>() + s["skipped"].size(), 71U);
  EXPECT_TRUE(s["greedy"]["prediction"].is_null());
  EXPECT_TRUE(contains(s["greedy"]["unavailable"], "no cell at batch size 3"));
}

TEST_F(RecommendCli, PrintsTheWinnerSavingsAndTopCandidates) {
  const auto r = recommend({"--arrival", "poisson:200", "--slo-p99", "50", "--requests", "3000", "--interpolate",
                            "--policies", "fixed,dynamic"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "winner: ")) << r.out;
  EXPECT_TRUE(contains(r.out, "J/request (simulated from estimate)")) << r.out;
  EXPECT_TRUE(contains(r.out, "no batching, fixed:1: ")) << r.out;
  EXPECT_TRUE(contains(r.out, "greedy, greedy:8: ")) << r.out;
  EXPECT_TRUE(contains(r.out, "top 10 of the candidates meeting the SLO")) << r.out;
  EXPECT_TRUE(contains(r.out, "energy_per_request_j")) << r.out;
  EXPECT_FALSE(contains(r.out, "\ngreedy:")) << r.out;  // the family was not searched
}

TEST_F(RecommendCli, VerifyRunsTheWinnerLiveBesideThePrediction) {
  const std::vector<std::string> common{
      "--arrival",     "poisson:200", "--slo-p95",         "40",  "--requests", "2000",
      "--interpolate", "--verify",    "--verify-requests", "150", "--backend",  "synthetic:alpha=1,tau0=2,mode=sleep",
      "--meter",       "estimate",    "--idle-seconds",    "0"};
  auto args = common;
  args.emplace_back("--json");
  const auto r = recommend(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto out = json::parse(r.out);
  const auto& v = out["verification"];
  EXPECT_EQ(v["policy"], out["winner"]["policy"]);
  EXPECT_EQ(v["requests"], 150);
  EXPECT_EQ(v["trial_status"], "ok");
  EXPECT_EQ(v["predicted_energy_source"], "simulated from estimate");
  EXPECT_EQ(v["measured_energy_source"], "estimate");
  ASSERT_EQ(v["comparison"].size(), 4U);
  for (const auto& row : v["comparison"]) {
    EXPECT_TRUE(row["predicted"].is_number()) << row;
    EXPECT_TRUE(row["measured"].is_number()) << row;
    ASSERT_TRUE(row["relative_error"].is_number()) << row;
    const double expected = (row["predicted"].get<double>() - row["measured"].get<double>()) /
                            row["measured"].get<double>();
    EXPECT_DOUBLE_EQ(row["relative_error"].get<double>(), expected) << "validate's definition: (sim - live) / live";
    EXPECT_EQ(row["within_10_percent"].get<bool>(), std::abs(expected) <= 0.10) << row;
  }
  EXPECT_EQ(v["comparison"][0]["metric"], "response_p95_ms");

  const auto text = recommend(common);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_TRUE(contains(text.out, "predicted (energy simulated from estimate) against measured (energy estimate"))
      << text.out;
  EXPECT_TRUE(contains(text.out, "relative_error")) << text.out;
  EXPECT_TRUE(contains(text.out, "response_mean_ms")) << text.out;
}

TEST_F(RecommendCli, BadInputsAreClearErrors) {
  const auto both = recommend({"--arrival", "poisson:100", "--slo-p95", "20", "--slo-p99", "30"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_TRUE(contains(both.err, "exactly one of --slo-p95 MS or --slo-p99 MS")) << both.err;

  const auto neither = recommend({"--arrival", "poisson:100"});
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_TRUE(contains(neither.err, "exactly one of --slo-p95 MS or --slo-p99 MS")) << neither.err;

  const auto family = recommend({"--arrival", "poisson:100", "--slo-p95", "20", "--policies", "fixed,bogus"});
  EXPECT_EQ(family.exit_code, 2);
  EXPECT_TRUE(contains(family.err, "unknown policy family 'bogus'")) << family.err;

  const auto infeasible = recommend({"--arrival", "poisson:100", "--slo-p95", "1"});
  EXPECT_EQ(infeasible.exit_code, 3);
  EXPECT_TRUE(contains(infeasible.err, "--slo-p95 1 ms is infeasible: the fastest possible service takes"))
      << infeasible.err;

  const auto unstable = recommend({"--arrival", "poisson:5000", "--slo-p95", "100", "--interpolate"});
  EXPECT_EQ(unstable.exit_code, 3);
  EXPECT_TRUE(contains(unstable.err, "unstable at 5000 requests/s under every candidate")) << unstable.err;

  // Just above the fastest service: feasible, but queueing at 300/s puts every p95 above it.
  const auto tight = recommend(
      {"--arrival", "poisson:300", "--slo-p95", std::to_string(fastest_ms() * 1.05), "--requests", "2000", "--json"});
  EXPECT_EQ(tight.exit_code, 3);
  EXPECT_TRUE(contains(tight.err, "no candidate policy meets p95")) << tight.err;
  EXPECT_TRUE(contains(tight.err, "the closest is")) << tight.err;
  const auto out = json::parse(tight.out);
  EXPECT_EQ(out["status"], "no_candidate");
  EXPECT_TRUE(out["winner"].is_null());
  EXPECT_TRUE(out["closest"].is_object());

  const auto no_backend = recommend({"--arrival", "poisson:100", "--slo-p95", "40", "--verify"});
  EXPECT_EQ(no_backend.exit_code, 2);
  EXPECT_TRUE(contains(no_backend.err, "give exactly one of --model NAME")) << no_backend.err;
}

}  // namespace
}  // namespace greenbatch::testing
