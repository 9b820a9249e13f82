// The report's analysis and Markdown on a hand-made set of trials, against a golden file whose
// numbers were worked out by hand (see the comments); intervals, the recommendation, the Pareto
// front, the batch-size finding and the cross-host comparison.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "report/analysis.h"
#include "report/report_documents.h"

namespace greenbatch::report {
namespace {

TrialRow trial(std::string id, std::string policy, std::int64_t rep, double energy, double p95,
               std::string host = "h") {
  TrialRow r;
  r.trial_id = std::move(id);
  r.model = "m";
  r.policy = std::move(policy);
  r.arrival = "poisson:10";
  r.energy_source = "rapl";
  r.host = std::move(host);
  r.repetition = rep;
  r.energy_per_request_j = energy;
  r.response_p95_ms = p95;
  return r;
}

}  // namespace
}  // namespace greenbatch::report

namespace greenbatch::report {
namespace {

// One model and arrival, three policies, two repetitions with equal values in each cell (so the
// bootstrap interval is the value itself), plus one failed trial that must be left out.
std::vector<TrialRow> fixture() {
  const auto row = [](std::string id, std::string policy, std::int64_t rep, double energy, double p95) {
    TrialRow r;
    r.trial_id = std::move(id);
    r.model = std::string("m");
    r.policy = std::move(policy);
    r.arrival = std::string("poisson:10");
    r.energy_source = std::string("rapl");
    r.repetition = rep;
    r.energy_per_request_j = energy;
    r.response_p95_ms = p95;
    return r;
  };
  auto failed = row("f", "fixed:1", 2, 9.0, 999.0);
  failed.status = trial::TrialStatus::backend_failed;
  return {row("a", "fixed:1", 0, 0.5, 10.0),
          row("b", "fixed:1", 1, 0.5, 10.0),
          row("c", "greedy:8", 0, 0.4, 20.0),
          row("d", "greedy:8", 1, 0.4, 20.0),
          row("e", "fixed:4", 0, 0.2, 50.0),
          row("g", "fixed:4", 1, 0.2, 50.0),
          failed};
}

TEST(ReportAnalysis, KruskalWallisWorkedByHand) {
  // Energies 0.2, 0.2 | 0.4, 0.4 | 0.5, 0.5: mid-ranks 1.5, 3.5, 5.5, rank sums 3, 7, 11, N = 6.
  // H = 12/(6·7)·(3²/2 + 7²/2 + 11²/2) − 3·7 = 25.5714 − 21 = 4.5714; ties: three pairs,
  // correction 1 − 3·(2³ − 2)/(6³ − 6) = 0.914286, so H = 5.0; df 2; p = exp(−5/2) = 0.082085;
  // ε² = H / (N − 1) = 1.0. Not significant, so no pairwise tests.
  const auto a = analyse(fixture(), 1);
  ASSERT_EQ(a.groups.size(), 1u);
  EXPECT_EQ(a.trials, 7u);
  EXPECT_EQ(a.failed, 1u);
  const auto& energy = a.groups[0].effects[0];
  EXPECT_NEAR(*energy.h, 5.0, 1e-9);
  EXPECT_EQ(energy.df, 2u);
  EXPECT_NEAR(*energy.p, 0.0820850, 1e-6);
  EXPECT_NEAR(*energy.epsilon_squared, 1.0, 1e-9);
  EXPECT_FALSE(energy.significant);
  EXPECT_TRUE(energy.pairs.empty());
  EXPECT_EQ(*a.groups[0].best, "fixed:4");
}

TEST(ReportAnalysis, MarkdownMatchesGolden) {
  const auto a = analyse(fixture(), 1);
  const std::vector<Figure> figures{{"tradeoff_m", "Energy per request against p95 response time, m", {}, 0, {}}};
  const ReportContent content{"greenbatch report", "2026-01-01T00:00:00Z", "fixture.db", &a, &figures};
  std::ifstream in(GREENBATCH_SOURCE_DIR "/tests/report/golden/report.md");
  std::stringstream golden;
  golden << in.rdbuf();
  const auto markdown = markdown_report(content);
  EXPECT_EQ(markdown, golden.str());
  if (markdown != golden.str()) {
    std::filesystem::create_directories(GREENBATCH_TEST_WORK_DIR);
    std::ofstream(GREENBATCH_TEST_WORK_DIR "/report.md") << markdown;  // to compare with the golden file
  }
}

}  // namespace
}  // namespace greenbatch::report

namespace greenbatch::report {
namespace {

TEST(ReportAnalysis, IntervalsOnlyFromFiveRepetitions) {
  std::vector<TrialRow> rows;
  for (int i = 0; i < 4; ++i) rows.push_back(trial("a" + std::to_string(i), "fixed:1", i, 0.5 + 0.01 * i, 10.0));
  for (int i = 0; i < 5; ++i) rows.push_back(trial("b" + std::to_string(i), "fixed:2", i, 0.3 + 0.01 * i, 12.0));
  const auto a = analyse(rows, 1);
  const auto& cells = a.groups.at(0).cells;
  ASSERT_EQ(cells.size(), 2u);
  EXPECT_EQ(cells[0].energy->n, 4u);
  EXPECT_FALSE(cells[0].energy->low.has_value()) << "four repetitions give no interval";
  EXPECT_EQ(cell_text(cells[0].energy), "0.515 (n=4)");
  ASSERT_TRUE(cells[1].energy->low && cells[1].energy->high);
  EXPECT_LE(*cells[1].energy->low, cells[1].energy->mean);
  EXPECT_GE(*cells[1].energy->high, cells[1].energy->mean);
  EXPECT_GE(*cells[1].energy->low, 0.30);
  EXPECT_LE(*cells[1].energy->high, 0.34);
}

TEST(ReportAnalysis, RecommendsTheLeastEnergyWithinTheSloAndFindsTheParetoFront) {
  // Means (p95 ms, J): fixed:1 (10, 0.5), greedy:8 (20, 0.4), fixed:2 (30, 0.6) is dominated by
  // greedy:8, fixed:4 (50, 0.2) misses the 30 ms SLO.
  std::vector<TrialRow> rows{trial("a", "fixed:1", 0, 0.5, 10.0), trial("b", "greedy:8", 0, 0.4, 20.0),
                             trial("c", "fixed:2", 0, 0.6, 30.0), trial("d", "fixed:4", 0, 0.2, 50.0)};
  for (auto& r : rows) r.slo_ms = 30.0;
  const auto g = analyse(rows, 1).groups.at(0);
  EXPECT_EQ(g.best, "fixed:4");
  EXPECT_EQ(g.recommended, "greedy:8");
  EXPECT_EQ(g.recommended_reason, "least energy per request with mean p95 response time within the SLO of 30 ms");
  EXPECT_EQ(g.pareto, (std::vector<std::string>{"fixed:1", "greedy:8", "fixed:4"}));
  ASSERT_TRUE(g.saving.has_value());
  EXPECT_NEAR(*g.saving, 0.6, 1e-12);  // 1 − 0.2 / 0.5

  for (auto& r : rows) r.slo_ms = 5.0;
  const auto none = analyse(rows, 1).groups.at(0);
  EXPECT_FALSE(none.recommended.has_value());
  EXPECT_EQ(none.recommended_reason, "no policy meets the SLO of 5 ms on mean p95 response time");
}

TEST(ReportAnalysis, BatchSizeEffectAndTheBatchSizeThatMinimisesEnergy) {
  const auto g = analyse(fixture(), 1).groups.at(0);
  // Fixed sizes only: energies 0.5, 0.5 | 0.2, 0.2: ranks 3.5, 3.5 | 1.5, 1.5; H = 12/20·(7²/2 +
  // 3²/2) − 15 = 2.4, tie correction 1 − 2·6/60 = 0.8, H = 3.0, df 1, p = 0.0833.
  ASSERT_EQ(g.batch_effects.size(), 2u);
  EXPECT_NEAR(*g.batch_effects[0].h, 3.0, 1e-9);
  EXPECT_EQ(g.batch_effects[0].df, 1u);
  EXPECT_EQ(g.batch_sentence,
            "m at poisson:10: batch size 4 minimises energy per request (0.2 J, mean of 2 repetitions), 60.0 % less "
            "than batch size 1 (0.5 J); its p95 response time is 50.0 ms against 10.0 ms.");
}

TEST(ReportAnalysis, GroupsByHostAndComparesTheSameCellsAcrossHosts) {
  const std::vector<TrialRow> rows{
      trial("a", "fixed:1", 0, 0.5, 10.0, "laptop"), trial("b", "fixed:4", 0, 0.2, 40.0, "laptop"),
      trial("c", "fixed:1", 0, 2.0, 5.0, "server"), trial("d", "fixed:4", 0, 1.5, 15.0, "server")};
  const auto a = analyse(rows, 1);
  EXPECT_EQ(a.hosts, (std::vector<std::string>{"laptop", "server"}));
  ASSERT_EQ(a.groups.size(), 2u);
  EXPECT_NEAR(*a.groups[0].saving, 0.6, 1e-12);
  EXPECT_NEAR(*a.groups[1].saving, 0.25, 1e-12);
  const auto compared = host_rows(a);
  ASSERT_EQ(compared.size(), 2u);
  EXPECT_EQ(compared[0].policy, "fixed:1");
  ASSERT_EQ(compared[0].cells.size(), 2u);
  EXPECT_DOUBLE_EQ(compared[0].cells[0]->energy->mean, 0.5);
  EXPECT_DOUBLE_EQ(compared[0].cells[1]->energy->mean, 2.0);
  EXPECT_DOUBLE_EQ(compared[1].cells[1]->p95->mean, 15.0);
  EXPECT_TRUE(host_rows(analyse({rows[0], rows[1]}, 1)).empty()) << "one host: nothing to compare";
}

}  // namespace
}  // namespace greenbatch::report

namespace greenbatch::report {
namespace {

TEST(ReportAnalysis, TimelineGrowthFromTheStudysFixedOneTrialsOfZooModels) {
  // alexnet (2012, 56.522 %) and resnet50 (2015, 76.13 %) at batch size 1: energy 0.1 J then
  // 0.8 J, so ln-energy rises ln 8 over 3 years: +100 % per year; a greedy trial and a synthetic
  // model are left out.
  std::vector<TrialRow> rows{trial("a", "fixed:1", 0, 0.1, 10.0), trial("b", "fixed:1", 0, 0.8, 10.0),
                             trial("c", "greedy:8", 0, 9.0, 10.0), trial("d", "fixed:1", 0, 5.0, 10.0)};
  rows[0].model = "alexnet";
  rows[1].model = "resnet50";
  rows[2].model = "resnet50";
  const auto a = analyse(rows, 1);
  ASSERT_EQ(a.timeline.size(), 1u);
  EXPECT_NE(a.timeline[0].find("over 2 zoo models from 2012 to 2015"), std::string::npos) << a.timeline[0];
  EXPECT_NE(a.timeline[0].find("energy per image grows +100.0 % per year"), std::string::npos) << a.timeline[0];
  EXPECT_TRUE(analyse({rows[0], rows[3]}, 1).timeline.empty()) << "one zoo model: no growth to fit";
}

}  // namespace
}  // namespace greenbatch::report
