// End-to-end: a small synthetic study, then `greenbatch report` and `greenbatch timeline`; the
// HTML report opened in headless Chromium with the network refused: it loads offline, the console
// stays silent, every figure draws one mark per data point, hovering a mark shows its values,
// hiding a series removes its marks, and a screenshot is saved.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "cli/run_cli.h"
#include "support/fixture_tree.h"
#include "support/temp_dir.h"
#include "support/text.h"

namespace greenbatch::testing {
namespace {

constexpr const char* kStudy = R"(name = "report test"
models = ["synthetic:alpha=0.5,tau0=2,mode=spin", "synthetic:alpha=2,tau0=1,mode=spin"]
policies = ["fixed:1", "fixed:4", "greedy:16"]
arrivals = ["jitter:150"]
requests = 24
repetitions = 3
idle_seconds = 0.1
rest_seconds = 0
meter = "estimate"
keep_power_trace = true
)";

// A finished study's database, made once for the tests of this file.
const std::filesystem::path& study_db() {
  static const TempDir dir("report_cli_study");
  static const std::filesystem::path db = [] {
    write_file(dir.path() / "study.toml", kStudy);
    const auto file = dir.path() / "study.db";
    const auto r = run_cli({"study", (dir.path() / "study.toml").string(), "--db", file.string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return file;
  }();
  return db;
}

TEST(ReportCli, WritesFiguresTablesHtmlAndMarkdown) {
  TempDir out("report_cli_out");
  const auto r = run_cli({"report", "--db", study_db().string(), "--out", out.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Per model: the trade-off (one arrival), the paper's three figures; one power trace.
  for (const char* name :
       {"tradeoff_synthetic_alpha_0_5_tau0_2_mode_spin_jitter_150_spread_0_2",
        "tradeoff_synthetic_alpha_2_tau0_1_mode_spin_jitter_150_spread_0_2",
        "batch_energy_synthetic_alpha_0_5_tau0_2_mode_spin", "batch_dynamic_synthetic_alpha_2_tau0_1_mode_spin",
        "batch_latency_synthetic_alpha_2_tau0_1_mode_spin", "power_trace"}) {
    EXPECT_TRUE(std::filesystem::exists(out.path() / (std::string(name) + ".svg"))) << name;
    EXPECT_GT(std::filesystem::file_size(out.path() / (std::string(name) + ".png")), 1000u) << name;
  }
  EXPECT_TRUE(contains(r.out, "(9 figures)")) << r.out;
  const auto specs = nlohmann::json::parse(read_text(out.path() / "figures.json"));
  EXPECT_EQ(specs.size(), 9u);
  const auto trace = std::ranges::find_if(specs, [](const auto& f) { return f.at("name") == "power_trace"; });
  ASSERT_NE(trace, specs.end());
  EXPECT_TRUE(contains(trace->at("spec").at("title").dump(), "power samples and batches on the trial's clock"));
  EXPECT_GT(trace->at("spec").at("layer").at(0).at("data").at("values").size(), 0u) << "batches drawn as bands";
  const auto md = read_text(out.path() / "report.md");
  EXPECT_TRUE(contains(md, "## Conclusions")) << md;
  EXPECT_TRUE(contains(md, "the batch size has")) << md;
  EXPECT_TRUE(contains(md, "minimises energy per request")) << md;
  EXPECT_TRUE(contains(md, "ESTIMATE from a power model")) << md;
  EXPECT_TRUE(contains(md, "(n=3)")) << "three repetitions: no interval\n" << md;
  const auto html = read_text(out.path() / "report.html");
  EXPECT_EQ(std::count(html.begin(), html.end(), '\0'), 0);
  EXPECT_FALSE(std::regex_search(html, std::regex(R"re((src|href)\s*=\s*"(https?:)?//)re")))
      << "loads something remote";
  EXPECT_TRUE(contains(html, "id=\"figure-specs\"")) << "figure specs are embedded";
}

TEST(ReportCli, HtmlWorksOfflineInHeadlessChromium) {
  TempDir out("report_cli_browser");
  ASSERT_EQ(run_cli({"report", "--db", study_db().string(), "--out", out.path().string()}).exit_code, 0);
  const auto screenshot = std::string(GREENBATCH_TEST_WORK_DIR "/report-screenshot.png");  // kept after the test
  std::filesystem::remove(screenshot);
  const auto result = out.path() / "check.json";
  const auto log = out.path() / "check.log";
  ASSERT_EQ(run_shell("node '" GREENBATCH_SOURCE_DIR "/report/web/check_report.mjs' '" +
                      (out.path() / "report.html").string() + "' '" + screenshot + "' > '" + result.string() +
                      "' 2> '" + log.string() + "'"),
            0)
      << read_text(log);
  const auto check = nlohmann::json::parse(read_text(result));
  EXPECT_TRUE(check.at("console_errors").empty()) << check.at("console_errors").dump(1);
  EXPECT_TRUE(check.at("remote_requests").empty()) << check.at("remote_requests").dump(1);
  EXPECT_TRUE(check.at("figures_error").is_null()) << check.at("figures_error");
  ASSERT_EQ(check.at("figures").size(), 9u);
  std::size_t toggled = 0;
  for (const auto& f : check.at("figures")) {
    const auto name = f.at("name").get<std::string>();
    EXPECT_GT(f.at("points").get<int>(), 0) << name;
    EXPECT_EQ(f.at("marks"), f.at("points")) << name << ": one mark per data point";
    const auto tip = f.value("tooltip", std::string());
    EXPECT_TRUE(std::regex_search(tip, std::regex(R"(: -?[0-9]+(\.[0-9]+)?)"))) << name << " tooltip: " << tip;
    EXPECT_EQ(f.contains("toggled"), f.at("series").size() > 1) << name << ": a toggle per series when several";
    if (!f.contains("toggled")) continue;
    ++toggled;
    const auto hidden = f.at("series").at(f.at("toggled").get<std::string>()).get<int>();
    EXPECT_EQ(f.at("marks_after_toggle").get<int>(), f.at("points").get<int>() - hidden) << name;
  }
  EXPECT_EQ(toggled, 2u) << "the trade-off figures have three policies each";
  ASSERT_TRUE(check.contains("sorting")) << "no table with a numeric column to sort";
  EXPECT_TRUE(check.at("sorting").at("ascending")) << check.at("sorting");
  EXPECT_TRUE(check.at("sorting").at("descending")) << check.at("sorting");
  EXPECT_GT(std::filesystem::file_size(screenshot), 10000u);
  std::cout << "report opened and drew every figure in " << check.at("open_ms") << " ms\n";
}

TEST(ReportCli, TimelineFromTheDatabaseAndMeasuredNow) {
  TempDir out("report_cli_timeline");
  // Synthetic trials are not zoo models, so the study database has nothing for the timeline.
  const auto none = run_cli({"timeline", "--db", study_db().string(), "--out", out.path().string()});
  EXPECT_EQ(none.exit_code, 3);
  EXPECT_TRUE(contains(none.err, "no fixed:1 trial")) << none.err;  // synthetic models are not in the zoo
  const auto r = run_cli({"timeline", "--models", "alexnet,squeezenet1_1,shufflenet_v2_x1_0", "--threads", "1",
                          "--min-seconds", "0.3", "--meter", "estimate", "--idle-seconds", "0.2", "--out",
                          out.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "% per year")) << r.out;
  const auto md = read_text(out.path() / "timeline.md");
  EXPECT_TRUE(contains(md, "shufflenet_v2_x1_0 (highlighted)")) << md;
  EXPECT_TRUE(contains(md, "| estimate |")) << md;
  for (const char* f : {"timeline_year.svg", "timeline_year.png", "timeline_accuracy.svg", "timeline_accuracy.png",
                        "timeline.csv", "figures.json"}) {
    EXPECT_TRUE(std::filesystem::exists(out.path() / f)) << f;
  }
}

TEST(ReportCli, ProfileAddsTheSimulatorValidationWithItsReplay) {
  TempDir out("report_cli_validation");
  const auto profile = out.path() / "profile.json";
  const auto p = run_cli({"profile", "--backend", "synthetic:alpha=0.5,tau0=2,mode=spin", "-b", "1,2,4,8,16",
                          "--min-seconds", "0.05", "--idle-gaps", "0", "--out", profile.string()});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  const auto report = out.path() / "report";
  const auto r = run_cli(
      {"report", "--db", study_db().string(), "--profile", profile.string(), "--out", report.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto md = read_text(report / "report.md");
  // The profiled model's 9 trials are simulated; the other model's are left out.
  EXPECT_TRUE(contains(md, "## Simulator validation")) << md;
  EXPECT_TRUE(std::regex_search(md, std::regex(R"(Simulated against live: \d of 9 trials agree within 10 %)"))) << md;
  EXPECT_TRUE(std::regex_search(
      md,
      std::regex(R"(Replayed with the live batches' own service times .*, \d of 9 agree within 10 % on mean and p95)")))
      << md;
  EXPECT_TRUE(contains(md, "| mean, p95 (live → replay) |")) << md;
  EXPECT_TRUE(contains(read_text(report / "report.html"), "mean, p95 (replay)"));
}

TEST(ReportCli, MissingDatabaseIsAClearError) {
  TempDir out("report_cli_missing");
  const auto r = run_cli({"report", "--db", (out.path() / "none.db").string(), "--out", out.path().string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(contains(r.err, "none.db: no such file")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out.path() / "none.db"));
}

// A study over threads = [1, 2]: the report keeps the thread counts apart and compares them in
// its Knobs section, with figures that draw in the browser like the others. (The synthetic backend
// runs on one thread whatever it is asked, so no particular effect is expected: the test checks the
// structure, not a finding.)
TEST(ReportCli, ThreadsFactorGetsAKnobsSection) {
  TempDir dir("report_cli_knobs");
  write_file(dir.path() / "study.toml", R"(name = "knobs report test"
models = ["synthetic:alpha=0.5,tau0=2,mode=spin"]
policies = ["fixed:1", "fixed:4"]
arrivals = ["jitter:150"]
threads = [1, 2]
requests = 24
repetitions = 2
idle_seconds = 0.1
rest_seconds = 0
meter = "estimate"
)");
  const auto db = dir.path() / "study.db";
  const auto study = run_cli({"study", (dir.path() / "study.toml").string(), "--db", db.string()});
  ASSERT_EQ(study.exit_code, 0) << study.err;
  const auto out = dir.path() / "out";
  const auto r = run_cli({"report", "--db", db.string(), "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto md = read_text(out / "report.md");
  for (const char* part :
       {"\n## synthetic:alpha=0.5,tau0=2,mode=spin, jitter:150,spread=0.2, threads=1\n",
        "\n## synthetic:alpha=0.5,tau0=2,mode=spin, jitter:150,spread=0.2, threads=2\n", "\n## Knobs\n",
        "\n#### threads, fixed:1\n", "\n#### threads, fixed:4\n", "| threads=1 | ", "(n=2)",
        "the least energy per request is fixed:", "knob_energy_threads_synthetic_alpha_0_5_tau0_2_mode_spin.svg"}) {
    EXPECT_TRUE(contains(md, part)) << part << "\n" << md;
  }
  for (const char* name : {"knob_energy_threads_synthetic_alpha_0_5_tau0_2_mode_spin",
                           "knob_p95_threads_synthetic_alpha_0_5_tau0_2_mode_spin",
                           "tradeoff_synthetic_alpha_0_5_tau0_2_mode_spin_jitter_150_spread_0_2_threads_1",
                           "tradeoff_synthetic_alpha_0_5_tau0_2_mode_spin_jitter_150_spread_0_2_threads_2"}) {
    EXPECT_GT(std::filesystem::file_size(out / (std::string(name) + ".png")), 1000u) << name;
  }
  const auto html = read_text(out / "report.html");
  EXPECT_TRUE(contains(html, "<h2>Knobs</h2>"));
  const auto result = dir.path() / "check.json";
  ASSERT_EQ(
      run_shell("node '" GREENBATCH_SOURCE_DIR "/report/web/check_report.mjs' '" + (out / "report.html").string() +
                "' '" + (dir.path() / "shot.png").string() + "' > '" + result.string() + "'"),
      0);
  const auto check = nlohmann::json::parse(read_text(result));
  EXPECT_TRUE(check.at("console_errors").empty()) << check.at("console_errors").dump(1);
  std::size_t knob_figures = 0;
  for (const auto& f : check.at("figures")) {
    EXPECT_EQ(f.at("marks"), f.at("points")) << f.at("name") << ": one mark per data point";
    if (f.at("name").get<std::string>().starts_with("knob_")) {
      ++knob_figures;
      EXPECT_EQ(f.at("points").get<int>(), 8) << f.at("name") << ": two policies × two levels × two repetitions";
    }
  }
  EXPECT_EQ(knob_figures, 2u);
  EXPECT_EQ(check.at("figures").size(), 7u) << "two trade-offs (one per thread count), three against batch size, two "
                                               "against threads";
}

}  // namespace
}  // namespace greenbatch::testing
