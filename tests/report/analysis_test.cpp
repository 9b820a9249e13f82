// The report's analysis and Markdown on a hand-made set of trials, against a golden file whose
// numbers were worked out by hand (see the comments).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "report/analysis.h"
#include "report/report_documents.h"

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
    r.status = std::string("ok");
    r.energy_source = std::string("rapl");
    r.repetition = rep;
    r.energy_per_request_j = energy;
    r.response_p95_ms = p95;
    return r;
  };
  auto failed = row("f", "fixed:1", 2, 9.0, 999.0);
  failed.status = std::string("backend_failed");
  return {row("a", "fixed:1", 0, 0.5, 10.0), row("b", "fixed:1", 1, 0.5, 10.0), row("c", "greedy:8", 0, 0.4, 20.0),
          row("d", "greedy:8", 1, 0.4, 20.0),  row("e", "fixed:4", 0, 0.2, 50.0), row("g", "fixed:4", 1, 0.2, 50.0),
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
  EXPECT_EQ(markdown_report(content), golden.str());
}

}  // namespace
}  // namespace greenbatch::report
