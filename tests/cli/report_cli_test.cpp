// End-to-end: a small synthetic study, then `greenbatch report` and `greenbatch timeline`; the
// HTML report opened in headless Chromium: it loads offline, every figure is drawn, the console
// stays silent, and a screenshot is saved.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "cli/run_cli.h"
#include "support/fixture_tree.h"
#include "support/temp_dir.h"

namespace greenbatch::testing {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

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
  // Two models: an energy figure each, a latency figure per model and arrival, one power trace.
  for (const char* name : {"energy_synthetic_alpha_0_5_tau0_2_mode_spin", "energy_synthetic_alpha_2_tau0_1_mode_spin",
                           "power_trace"}) {
    EXPECT_TRUE(std::filesystem::exists(out.path() / (std::string(name) + ".svg"))) << name;
    EXPECT_GT(std::filesystem::file_size(out.path() / (std::string(name) + ".png")), 1000u) << name;
  }
  const auto md = slurp(out.path() / "report.md");
  EXPECT_TRUE(contains(md, "## Best policy per model and arrival rate")) << md;
  EXPECT_TRUE(contains(md, "ESTIMATE from a power model")) << md;
  EXPECT_TRUE(contains(md, "Kruskal–Wallis H =")) << md;
  const auto html = slurp(out.path() / "report.html");
  EXPECT_EQ(std::count(html.begin(), html.end(), '\0'), 0);
  EXPECT_FALSE(std::regex_search(html, std::regex(R"re((src|href)\s*=\s*"(https?:)?//)re"))) << "loads something remote";
  EXPECT_TRUE(contains(html, "<svg")) << "figures are inlined";
}

TEST(ReportCli, HtmlRendersOfflineInHeadlessChromium) {
  TempDir out("report_cli_browser");
  ASSERT_EQ(run_cli({"report", "--db", study_db().string(), "--out", out.path().string()}).exit_code, 0);
  const auto page = "file://" + (out.path() / "report.html").string();
  const auto dom = out.path() / "dom.html";
  const auto log = out.path() / "chromium.log";
  const std::string chromium = "chromium --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage "
                               "--no-first-run --enable-logging=stderr --v=0 --virtual-time-budget=5000 ";
  ASSERT_EQ(run_shell(chromium + "--dump-dom '" + page + "' > '" + dom.string() + "' 2> '" + log.string() + "'"), 0)
      << slurp(log);
  const auto text = slurp(dom);
  std::smatch figures, drawn;
  ASSERT_TRUE(std::regex_search(text, figures, std::regex(R"re(data-figures="(\d+)")re"))) << "the page's check did not run";
  ASSERT_TRUE(std::regex_search(text, drawn, std::regex(R"re(data-figures-drawn="(\d+)")re")));
  EXPECT_EQ(figures[1], drawn[1]) << "a figure was not drawn";
  EXPECT_GE(std::stoi(figures[1]), 5);
  EXPECT_FALSE(contains(slurp(log), "CONSOLE")) << "the page wrote to the console:\n" << slurp(log);

  const auto screenshot = GREENBATCH_TEST_WORK_DIR "/report-screenshot.png";  // kept after the test
  ASSERT_EQ(run_shell(chromium + "--window-size=1200,2400 --screenshot='" + std::string(screenshot) + "' '" + page +
                      "' 2>> '" + log.string() + "'"),
            0)
      << slurp(log);
  EXPECT_GT(std::filesystem::file_size(screenshot), 10000u);
}

TEST(ReportCli, TimelineFromTheDatabaseAndMeasuredNow) {
  TempDir out("report_cli_timeline");
  // Synthetic trials are not zoo models, so the study database has nothing for the timeline.
  const auto none = run_cli({"timeline", "--db", study_db().string(), "--out", out.path().string()});
  EXPECT_EQ(none.exit_code, 3);
  EXPECT_TRUE(contains(none.err, "no fixed:1 trial")) << none.err;
  const auto r = run_cli({"timeline", "--models", "alexnet,squeezenet1_1,shufflenet_v2_x1_0", "--threads", "1",
                          "--min-seconds", "0.3", "--meter", "estimate", "--idle-seconds", "0.2", "--out",
                          out.path().string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "% per year")) << r.out;
  const auto md = slurp(out.path() / "timeline.md");
  EXPECT_TRUE(contains(md, "shufflenet_v2_x1_0 (highlighted)")) << md;
  EXPECT_TRUE(contains(md, "| estimate |")) << md;
  for (const char* f : {"timeline_year.svg", "timeline_year.png", "timeline_accuracy.svg", "timeline.csv"}) {
    EXPECT_TRUE(std::filesystem::exists(out.path() / f)) << f;
  }
}

TEST(ReportCli, MissingDatabaseIsAClearError) {
  TempDir out("report_cli_missing");
  const auto r = run_cli({"report", "--db", (out.path() / "none.db").string(), "--out", out.path().string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(contains(r.err, "none.db: no such file")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out.path() / "none.db"));
}

}  // namespace
}  // namespace greenbatch::testing
