// End-to-end: a small synthetic study and a synthetic profile with idle-gap cells, then
// `greenbatch validate`: one row per trial with the shared error definitions, reasons for every
// miss, files in --out, and clear errors for bad inputs.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/run_cli.h"
#include "support/fixture_tree.h"
#include "support/temp_dir.h"
#include "support/text.h"

namespace greenbatch::testing {
namespace {

constexpr const char* kModel = "synthetic:alpha=1,tau0=2,mode=sleep";
constexpr const char* kStudy = R"(name = "validate test"
models = ["synthetic:alpha=1,tau0=2,mode=sleep"]
policies = ["fixed:1", "greedy:4"]
arrivals = ["poisson:100"]
requests = 40
repetitions = 1
idle_seconds = 0.1
rest_seconds = 0
meter = "estimate"
)";

struct Inputs {
  std::filesystem::path db, profile;
};

// The study's database and the model's profile, made once for the tests of this file.
const Inputs& inputs() {
  static const TempDir dir("validate_cli");
  static const Inputs made = [] {
    write_file(dir.path() / "study.toml", kStudy);
    Inputs in{dir.path() / "study.db", dir.path() / "profile.json"};
    const auto study = run_cli({"study", (dir.path() / "study.toml").string(), "--db", in.db.string()});
    EXPECT_EQ(study.exit_code, 0) << study.err;
    const auto profile = run_cli({"profile", "--backend", kModel, "-b", "1,2,3,4", "--min-seconds", "0",
                                  "--min-batches", "5", "--idle-gaps", "0,5", "--gap-batches", "2", "--meter",
                                  "estimate", "--idle-seconds", "0.1", "--out", in.profile.string()});
    EXPECT_EQ(profile.exit_code, 0) << profile.err;
    return in;
  }();
  return made;
}

std::optional<double> number(const nlohmann::json& row, const char* key) {
  return row[key].is_number() ? std::optional(row[key].get<double>()) : std::nullopt;
}

TEST(ValidateCli, OneRowPerTrialWithTheSharedErrorsAndAReasonForEveryMiss) {
  const auto& in = inputs();
  TempDir out("validate_cli_out");
  const auto r = run_cli(
      {"validate", "--db", in.db.string(), "--profile", in.profile.string(), "--out", out.path().string(), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = nlohmann::json::parse(r.out);
  ASSERT_EQ(rows.size(), 2U) << r.out;  // both trials of the profiled model
  for (const auto& row : rows) {
    EXPECT_EQ(row["model"], kModel);
    EXPECT_TRUE(row["idle_gap_model"].get<bool>()) << "the profile has idle-gap cells";
    bool all_within = true;
    for (const std::string figure : {"mean", "p95", "p99"}) {
      const auto live = number(row, ("live_" + figure + "_ms").c_str());
      const auto sim = number(row, ("sim_" + figure + "_ms").c_str());
      ASSERT_TRUE(live && sim) << row;
      const double error = (*sim - *live) / *live;
      EXPECT_DOUBLE_EQ(row[figure + "_error"].get<double>(), error) << row;
      all_within = all_within && std::abs(error) <= 0.10;
    }
    const auto live_energy = number(row, "live_energy_per_request_j");
    const auto sim_energy = number(row, "sim_energy_per_request_j");
    ASSERT_TRUE(live_energy && sim_energy) << "estimate meter live, estimate profile: " << row;
    EXPECT_EQ(row["sim_energy_source"], "simulated from estimate");
    const double energy_error = (*sim_energy - *live_energy) / *live_energy;
    EXPECT_DOUBLE_EQ(row["energy_error"].get<double>(), energy_error);
    all_within = all_within && std::abs(energy_error) <= 0.10;
    // Reasons exactly when some figure is outside 10 %, naming it.
    EXPECT_EQ(row["reasons"].get<std::string>().empty(), all_within) << row;
    if (!all_within) {
      EXPECT_TRUE(contains(row["reasons"], "outside 10 %")) << row;
    }
  }
  EXPECT_TRUE(contains(r.err, "trials within 10 % on mean and p95 response time and energy per request")) << r.err;
  std::ifstream csv(out.path() / "validation.csv");
  std::string line;
  int lines = 0;
  while (std::getline(csv, line)) ++lines;
  EXPECT_GE(lines, 3) << "a header and two rows";
  EXPECT_TRUE(std::filesystem::exists(out.path() / "validation.json"));
  EXPECT_TRUE(std::filesystem::exists(out.path() / "summary.txt"));
}

TEST(ValidateCli, BadInputsAreClearErrors) {
  const auto& in = inputs();
  TempDir dir("validate_cli_bad");
  const auto no_db = run_cli({"validate", "--db", (dir.path() / "none.db").string(), "--profile", in.profile.string()});
  EXPECT_EQ(no_db.exit_code, 3) << no_db.err;
  EXPECT_TRUE(contains(no_db.err, "none.db: no such file")) << no_db.err;

  std::ifstream whole(in.profile);
  std::stringstream text;
  text << whole.rdbuf();
  const auto truncated = dir.path() / "truncated.json";
  write_file(truncated, text.str().substr(0, text.str().size() / 2));
  const auto bad = run_cli({"validate", "--db", in.db.string(), "--profile", truncated.string()});
  EXPECT_EQ(bad.exit_code, 3) << bad.err;
  EXPECT_TRUE(contains(bad.err, "truncated.json' is not valid JSON")) << bad.err;

  const auto other = dir.path() / "other.json";
  const auto made = run_cli({"profile", "--backend", "synthetic:alpha=3", "-b", "1", "--min-seconds", "0",
                             "--min-batches", "1", "--idle-gaps", "0", "--out", other.string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const auto unrelated = run_cli({"validate", "--db", in.db.string(), "--profile", other.string()});
  EXPECT_EQ(unrelated.exit_code, 3) << unrelated.err;
  EXPECT_TRUE(contains(unrelated.err, "no ok trial of a profiled model")) << unrelated.err;

  const auto unknown = run_cli(
      {"validate", "--db", in.db.string(), "--profile", in.profile.string(), "--study", "nope"});
  EXPECT_EQ(unknown.exit_code, 3) << unknown.err;
  EXPECT_TRUE(contains(unknown.err, "--study nope: " + in.db.string() + " holds no such study")) << unknown.err;
}

}  // namespace
}  // namespace greenbatch::testing
