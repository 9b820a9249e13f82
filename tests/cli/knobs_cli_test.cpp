// End-to-end tests of the power knobs: `greenbatch knobs`, `run --cpu-max-freq/--gpu-power-limit`,
// `profile` with them, and restoring at the next start after SIGKILL, against a fake cpufreq tree
// and the fake NVML.
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/db_rows.h"
#include "cli/run_cli.h"
#include "knobs/fake_cpufreq.h"
#include "support/fixture_tree.h"
#include "support/temp_dir.h"
#include "support/text.h"

namespace greenbatch::testing {
namespace {

// Points greenbatch at a fake cpufreq tree, the fake NVML (its knobs kept in a file) and a state folder.
class KnobsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    build_fake_cpufreq(sys());
    ::setenv("GREENBATCH_SYSFS_ROOT", sys().c_str(), 1);
    ::setenv("GREENBATCH_NVML_LIBRARY", FAKE_NVML_PATH, 1);
    ::setenv("GREENBATCH_KNOB_STATE_DIR", (dir_.path() / "state").c_str(), 1);
    ::setenv("FAKE_NVML_KNOBS", nvml_file().c_str(), 1);
    ::setenv("FAKE_NVML_DEVICES", "1", 1);
  }
  void TearDown() override {
    for (const char* name : {"GREENBATCH_SYSFS_ROOT", "GREENBATCH_NVML_LIBRARY", "GREENBATCH_KNOB_STATE_DIR",
                             "FAKE_NVML_KNOBS", "FAKE_NVML_DEVICES"}) {
      ::unsetenv(name);
    }
  }
  [[nodiscard]] std::filesystem::path sys() const { return dir_.path() / "sys"; }
  [[nodiscard]] std::filesystem::path nvml_file() const { return dir_.path() / "nvml_knobs"; }
  [[nodiscard]] bool caps_are(std::uint64_t khz) const {
    for (const int cpu : allowed_cpus()) {
      if (read_cap(sys(), cpu) != khz) return false;
    }
    return true;
  }
  void expect_caps_original() const {
    for (const int cpu : allowed_cpus()) EXPECT_EQ(read_cap(sys(), cpu), original_cap(cpu)) << "cpu" << cpu;
  }

  TempDir dir_{"knobs_cli"};
};

std::vector<std::string> synthetic_run(std::vector<std::string> extra) {
  std::vector<std::string> args{"run",      "--backend", "synthetic:alpha=0.5,tau0=1,mode=sleep",
                                "--meter",  "none",      "--idle-seconds",
                                "0",        "--arrival", "poisson:100",
                                "--policy", "fixed:2",   "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST_F(KnobsCli, ListsTheKnobsWithTheirRanges) {
  const auto r = run_cli({"knobs", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json = nlohmann::json::parse(r.out);
  ASSERT_EQ(json.at("knobs").size(), 3U);
  EXPECT_EQ(json["knobs"][0]["flag"], "--cpu-max-freq");
  EXPECT_EQ(json["knobs"][0]["available"], true) << r.out;
  EXPECT_EQ(json["knobs"][0]["max"], 3000000);
  EXPECT_EQ(json["knobs"][1]["min"], 100);
  const auto text = run_cli({"knobs"});
  EXPECT_TRUE(contains(text.out, "allowed 800000..3000000 kHz")) << text.out;
}

TEST_F(KnobsCli, UnavailableKnobsSayWhy) {
  ::setenv("GREENBATCH_SYSFS_ROOT", (dir_.path() / "empty").c_str(), 1);
  ::setenv("GREENBATCH_NVML_LIBRARY", (dir_.path() / "libnvidia-ml.so.1").c_str(), 1);
  const auto r = run_cli({"knobs"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "--cpu-max-freq    unavailable")) << r.out;
  EXPECT_TRUE(contains(r.out, "no cpufreq driver")) << r.out;
  EXPECT_TRUE(contains(r.out, "GREENBATCH_NVML_LIBRARY")) << r.out;
}

TEST_F(KnobsCli, RunSetsTheKnobsForTheTrialAndRestoresThem) {
  const auto r = run_cli(synthetic_run({"--requests", "5", "--cpu-max-freq", "1200000", "--gpu-power-limit", "150"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "set cpu_max_freq 1200000 kHz")) << r.err;
  EXPECT_TRUE(contains(r.err, "set gpu_power_limit 150 W on 1 GPUs")) << r.err;
  expect_caps_original();
  EXPECT_EQ(read_text(nvml_file()), "250000 0 0\n");
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path() / "state"));
}

TEST_F(KnobsCli, AnOutOfRangeValueIsAUsageErrorNamingTheRange) {
  const auto r = run_cli(synthetic_run({"--requests", "5", "--cpu-max-freq", "5000000"}));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "800000..3000000 kHz")) << r.err;
  const auto gpu = run_cli(synthetic_run({"--requests", "5", "--gpu-clocks", "5000"}));
  EXPECT_EQ(gpu.exit_code, 2) << gpu.err;
  EXPECT_TRUE(contains(gpu.err, "210..1410 MHz")) << gpu.err;
  expect_caps_original();
}

std::vector<std::string> synthetic_profile(const std::filesystem::path& out, std::vector<std::string> extra) {
  std::vector<std::string> args{"profile",   "--backend",   "synthetic:alpha=1,tau0=1",
                                "-b",        "1,2",         "--min-seconds",
                                "0",         "--idle-gaps", "0",
                                "--meter",   "none",        "--out",
                                out.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST_F(KnobsCli, ProfileHoldsTheKnobsRecordsThemAndRestoresThem) {
  const auto out = dir_.path() / "capped.json";
  const auto r = run_cli(synthetic_profile(out, {"--cpu-max-freq", "1200000", "--gpu-power-limit", "150"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Set before the first model is profiled, restored once the profile is written.
  const auto set = r.err.find("set cpu_max_freq 1200000 kHz");
  ASSERT_NE(set, std::string::npos) << r.err;
  EXPECT_LT(set, r.err.find("profiling synthetic")) << r.err;
  EXPECT_TRUE(contains(r.err, "set gpu_power_limit 150 W on 1 GPUs")) << r.err;
  expect_caps_original();
  EXPECT_EQ(read_text(nvml_file()), "250000 0 0\n");
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path() / "state"));
  const auto doc = nlohmann::json::parse(read_text(out));
  ASSERT_EQ(doc.at("cells").size(), 2U);
  for (const auto& cell : doc["cells"]) {
    EXPECT_EQ(cell.at("cpu_max_freq_khz"), 1200000) << cell.dump();
    EXPECT_EQ(cell.at("gpu_power_limit_w"), 150) << cell.dump();
    EXPECT_TRUE(cell.at("gpu_clocks_mhz").is_null()) << cell.dump();
  }
  EXPECT_TRUE(contains(r.out, "cpu_max_freq_khz")) << "the table shows a knob that is set: " << r.out;
  EXPECT_FALSE(contains(r.out, "gpu_clocks_mhz")) << "and only those: " << r.out;
}

TEST_F(KnobsCli, ProfileWithAnOutOfRangeKnobWritesNoDocument) {
  const auto out = dir_.path() / "refused.json";
  const auto r = run_cli(synthetic_profile(out, {"--cpu-max-freq", "5000000"}));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "--cpu-max-freq 5000000 kHz is outside the range the CPUs allow, 800000..3000000 kHz"))
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(contains(r.err, "profiling")) << r.err;
  expect_caps_original();
}

TEST_F(KnobsCli, VerifyingAProfileOfAnotherKnobSettingSaysSo) {
  const auto out = dir_.path() / "capped.json";
  const auto profiled = run_cli({"profile", "--backend", "synthetic:alpha=1,tau0=2,mode=sleep", "-b", "1,2",
                                 "--min-seconds", "0.1", "--idle-gaps", "0", "--meter", "estimate", "--idle-seconds",
                                 "0", "--cpu-max-freq", "1200000", "--out", out.string()});
  ASSERT_EQ(profiled.exit_code, 0) << profiled.err;
  const auto r = run_cli({"recommend", "--profile", out.string(), "--arrival", "poisson:50", "--slo-p95", "100",
                          "--verify", "--verify-requests", "20", "--backend", "synthetic:alpha=1,tau0=2,mode=sleep",
                          "--meter", "estimate", "--idle-seconds", "0"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.err, "the live power knob setting is none, the profile's CPU cap 1.2 GHz")) << r.err;
}

TEST_F(KnobsCli, KnobsLeftByAKilledRunAreRestoredAtTheNextStart) {
  const auto log = (dir_.path() / "killed.log").string();
  const int pid = spawn_cli(synthetic_run({"--duration", "600", "--cpu-max-freq", "1200000", "--gpu-clocks", "810"}),
                            log);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  // Killed once both knobs are set (the CPU cap is written first, then the GPU clocks).
  while (!(caps_are(1200000) && read_text(nvml_file()) == "250000 810 810\n") &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run ended before it was killed: " << read_text(log);
  ASSERT_TRUE(caps_are(1200000)) << "the run never set the cap: " << read_text(log);
  EXPECT_EQ(read_text(nvml_file()), "250000 810 810\n");

  const auto next = run_cli({"knobs"});
  ASSERT_EQ(next.exit_code, 0) << next.err;
  EXPECT_TRUE(contains(next.err, "restored")) << next.err;
  EXPECT_TRUE(contains(next.err, "left set by process " + std::to_string(pid))) << next.err;
  expect_caps_original();
  EXPECT_EQ(read_text(nvml_file()), "250000 0 0\n");
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path() / "state"));
  // Said once: the start after that has nothing to restore.
  EXPECT_FALSE(contains(run_cli({"knobs"}).err, "restored"));
}

TEST_F(KnobsCli, StudyFactorsThreadsAndCpuCapsAreEachTrialsSettings) {
  const auto file = dir_.path() / "knobs.toml";
  write_file(file,
             "name = \"knobs\"\nmodels = [\"synthetic:alpha=0.5,tau0=1,mode=sleep\"]\npolicies = [\"fixed:1\"]\n"
             "arrivals = [\"poisson:200\"]\nrequests = 3\nmeter = \"none\"\nidle_seconds = 0\nrest_seconds = 0\n"
             "threads = [1, 2]\ncpu_max_freqs = [1200000, 2400000]\n");
  const auto db = dir_.path() / "knobs.db";
  const auto r = run_cli({"study", file.string(), "--db", db.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = query(db,
                          "SELECT json_extract(requested_json, '$.threads') || ' ' || "
                          "json_extract(requested_json, '$.cpu_max_freq_khz') FROM trials "
                          "ORDER BY 1");
  EXPECT_EQ(rows, (std::vector<std::string>{"1 1200000", "1 2400000", "2 1200000", "2 2400000"}));
  expect_caps_original();

  // A level outside the range stops the study before it is registered.
  write_file(file, read_text(file) + "gpu_power_limits = [500]\n");
  const auto bad = run_cli({"study", file.string(), "--db", (dir_.path() / "bad.db").string()});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_TRUE(contains(bad.err, "100..300 W")) << bad.err;
  EXPECT_EQ(query_count(dir_.path() / "bad.db", "SELECT COUNT(*) FROM studies"), 0U);
}

// recommend --also-profile searches batching x knobs; two profiles of one setting are refused.
TEST(RecommendKnobsCli, ProfilesOfTheSameSettingAreRefused) {
  const TempDir dir("recommend_knobs_cli");
  for (const char* name : {"a.json", "b.json"}) {
    const auto r = run_cli({"profile", "--backend", "synthetic:alpha=1,tau0=2,mode=sleep", "-b", "1,2", "--min-seconds",
                            "0.1", "--meter", "estimate", "--idle-seconds", "0", "--out",
                            (dir.path() / name).string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const auto r = run_cli({"recommend", "--profile", (dir.path() / "a.json").string(), "--also-profile",
                          (dir.path() / "b.json").string(), "--arrival", "poisson:50", "--slo-p95", "100"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "were both measured at 1 thread, fp32")) << r.err;
  EXPECT_TRUE(contains(r.err, "greenbatch profile --threads N --precision P")) << r.err;
}

}  // namespace
}  // namespace greenbatch::testing
