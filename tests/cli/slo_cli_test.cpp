// End-to-end: the slo policy on simulate and run, the decision trace, --profile, and every bad
// slo input (clear error, the right exit code). Simulations read a checked-in profile document.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cli/run_cli.h"
#include "support/temp_dir.h"
#include "support/text.h"

namespace greenbatch::testing {
namespace {

using nlohmann::json;

std::string shufflenet_profile() { return GREENBATCH_SOURCE_DIR "/bench/profiles/shufflenet_v2_x1_0.json"; }

// The rows of a decision trace CSV (header checked), each as its four fields.
std::vector<std::vector<std::string>> trace_rows(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "batch_id,dispatch_s,size,reason");
  std::vector<std::vector<std::string>> rows;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream s(line);
    for (std::string f; std::getline(s, f, ',');) fields.push_back(f);
    EXPECT_EQ(fields.size(), 4u) << line;
    rows.push_back(fields);
  }
  return rows;
}

TEST(SloCli, SimulateSeedsFromTheProfileAndTracesEveryDecision) {
  TempDir dir("slo_cli_simulate");
  const auto trace = dir.path() / "decisions.csv";
  const auto r = run_cli({"simulate", "--profile", shufflenet_profile(), "--policy", "slo:400", "--arrival",
                          "poisson:20", "--requests", "400", "--interpolate", "--decisions", trace.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto row = json::parse(r.out).at(0);
  // max defaults to the profiled size with the least energy per request.
  EXPECT_TRUE(row["policy"].get<std::string>().starts_with("slo:400,max=")) << row["policy"];
  EXPECT_EQ(row["slo_ms"], 400.0);  // --slo defaults to the policy's objective
  EXPECT_EQ(row["served"], 400);
  const auto rows = trace_rows(trace);
  EXPECT_EQ(static_cast<std::int64_t>(rows.size()), row["batches"].get<std::int64_t>());
  const std::set<std::string> valid{"full", "deadline", "late", "closed"};
  std::int64_t served = 0;
  for (const auto& f : rows) {
    EXPECT_TRUE(valid.contains(f[3])) << f[3];
    served += std::stoll(f[2]);
  }
  EXPECT_EQ(served, 400);
  EXPECT_EQ(rows.back()[3], "closed");  // the tail at the end of arrivals
  EXPECT_TRUE(contains(r.err, "decisions: ")) << r.err;
}

TEST(SloCli, RunLearnsOnlineOnTheSyntheticBackend) {
  TempDir dir("slo_cli_run");
  const auto trace = dir.path() / "decisions.csv";
  const auto r = run_cli({"run", "--backend", "synthetic:alpha=0.5,tau0=1,mode=sleep", "--meter", "none",
                          "--idle-seconds", "0", "--policy", "slo:50,max=8", "--arrival", "onoff:400,0.05,0.05",
                          "--requests", "60", "--decisions", trace.string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto row = json::parse(r.out).at(0);
  EXPECT_EQ(row["policy"], "slo:50,max=8");
  EXPECT_EQ(row["served"], 60);
  EXPECT_EQ(row["rejected"], 0);
  const auto rows = trace_rows(trace);
  EXPECT_EQ(static_cast<std::int64_t>(rows.size()), row["batches"].get<std::int64_t>());
  // Before its first batch finished it knew nothing: the first batch went as soon as asked.
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.front()[3], "ready");
  for (const auto& f : rows) EXPECT_LE(std::stoi(f[2]), 8);
}

TEST(SloCli, BadSloInputIsAClearErrorWithTheRightExitCode) {
  const auto simulate = [](const std::string& policy) {
    return run_cli({"simulate", "--profile", shufflenet_profile(), "--policy", policy, "--arrival", "poisson:5",
                    "--requests", "10"});
  };
  for (const auto& [policy, says] :
       std::vector<std::pair<std::string, std::string>>{{"slo:0", "MS must be > 0"},
                                                        {"slo:-3", "MS must be > 0"},
                                                        {"slo:100,max=0", "max must be a whole number >= 1"},
                                                        {"slo:100,quantile=1.5", "quantile must be in (0, 1)"},
                                                        {"slo:100,quantile=0", "quantile must be in (0, 1)"},
                                                        {"slo:100,margin=100", "use a margin below MS"}}) {
    const auto r = simulate(policy);
    EXPECT_EQ(r.exit_code, 2) << policy << "\n" << r.err;
    EXPECT_TRUE(contains(r.err, says)) << policy << "\n" << r.err;
  }
  // Below the fastest measured batch latency: no request could make it.
  const auto r = simulate("slo:1");
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(contains(r.err, "the minimum feasible SLO is")) << r.err;
}

}  // namespace
}  // namespace greenbatch::testing
