// Knobs compared like policies on hand-made trials: one model and arrival, policies fixed:1 and
// fixed:4, threads 1 and 2 (five repetitions each), so groups split by threads, each policy's
// levels are compared with exact means, clearly separated data is significant and identical data
// is not; the default thread count, the saving of the least-energy cell and the Knobs section.
#include "report/knob_analysis.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "report/report_documents.h"

namespace greenbatch::report {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Energy per request `energy` + 0.001·rep and p95 `p95` + rep for rep 0..4: means energy + 0.002,
// p95 + 2.
void add(std::vector<TrialRow>& rows, const std::string& policy, int threads, double energy, double p95,
         const std::string& precision = "fp32") {
  for (int rep = 0; rep < 5; ++rep) {
    TrialRow r;
    r.trial_id = fmt::format("{}-{}-{}-{}", policy, threads, precision, rep);
    r.model = "m";
    r.policy = policy;
    r.arrival = "poisson:10";
    r.energy_source = "rapl";
    r.repetition = rep;
    r.energy_per_request_j = energy + 0.001 * rep;
    r.response_p95_ms = p95 + rep;
    r.knobs = knob_levels(threads, R"({"precision":")" + precision + R"("})");
    rows.push_back(r);
  }
}

// threads=1 uses clearly less energy than threads=2 at both policies, and is slower.
std::vector<TrialRow> separated() {
  std::vector<TrialRow> rows;
  add(rows, "fixed:1", 1, 0.50, 20.0);
  add(rows, "fixed:4", 1, 0.20, 60.0);
  add(rows, "fixed:1", 2, 0.60, 10.0);
  add(rows, "fixed:4", 2, 0.25, 40.0);
  return rows;
}

TEST(KnobAnalysis, GroupsAreSplitByTheKnobThatVaries) {
  const auto a = analyse(separated(), 1);
  ASSERT_EQ(a.groups.size(), 2u) << "threads=1 and threads=2 are apart; precision does not vary";
  EXPECT_EQ(a.groups[0].knobs, "threads=1");
  EXPECT_EQ(a.groups[1].knobs, "threads=2");
  ASSERT_EQ(a.groups[0].cells.size(), 2u);
  EXPECT_EQ(a.groups[0].cells[0].trials.size(), 5u) << "the threads=2 trials are not mixed in";
  EXPECT_NEAR(a.groups[0].cells[0].energy->mean, 0.502, 1e-12);
  EXPECT_NEAR(a.groups[1].cells[1].energy->mean, 0.252, 1e-12);
  EXPECT_EQ(group_place(a.groups[1]), "m at poisson:10 with threads=2");
  EXPECT_EQ(*a.groups[0].best, "fixed:4");
}

TEST(KnobAnalysis, LevelsComparedPerPolicyWithExactMeansAndASignificantTest) {
  const auto studies = knob_studies(analyse(separated(), 1));
  ASSERT_EQ(studies.size(), 1u);
  const auto& s = studies[0];
  EXPECT_EQ(s.knobs, (std::vector<Knob>{Knob::threads}));
  ASSERT_EQ(s.comparisons.size(), 2u);
  const auto& c = s.comparisons[1];
  EXPECT_EQ(c.policy, "fixed:4");
  EXPECT_EQ(c.fixed, "");
  ASSERT_EQ(c.levels.size(), 2u);
  EXPECT_EQ(c.levels[0].level.label(), "threads=1");
  EXPECT_NEAR(c.levels[0].cell.energy->mean, 0.202, 1e-12);
  EXPECT_NEAR(c.levels[1].cell.energy->mean, 0.252, 1e-12);
  EXPECT_NEAR(c.levels[1].cell.p95->mean, 42.0, 1e-12);
  // Ranks 1..5 against 6..10: H = 12/110·(15²/5 + 40²/5) − 33 = 6.818, df 1, p = 0.00902.
  const auto& energy = c.effects.at(0);
  EXPECT_NEAR(*energy.h, 6.8181818, 1e-6);
  EXPECT_NEAR(*energy.p, 0.0090234, 1e-6);
  EXPECT_TRUE(energy.significant);
  ASSERT_EQ(energy.pairs.size(), 1u);
  EXPECT_EQ(energy.pairs[0].a, "threads=1");
  EXPECT_EQ(energy.pairs[0].b, "threads=2");
  EXPECT_DOUBLE_EQ(energy.pairs[0].cliffs_delta, -1.0) << "every threads=1 value is below every threads=2 value";
  EXPECT_EQ(energy.pairs[0].magnitude, "large");
  EXPECT_TRUE(contains(energy.sentence, "threads has a significant effect on energy per request")) << energy.sentence;
  EXPECT_EQ(c.sentence,
            "m at poisson:10, fixed:4: threads=1 uses 19.8 % less energy per request than the default threads=2 "
            "(0.202 J against 0.252 J; p95 response time 62.0 ms against 42.0 ms); the difference in energy per "
            "request across the levels is significant (Kruskal–Wallis p = 0.00902).");
}

TEST(KnobAnalysis, IdenticalLevelsAreNotSignificant) {
  std::vector<TrialRow> rows;
  add(rows, "fixed:4", 1, 0.20, 60.0);
  add(rows, "fixed:4", 2, 0.20, 60.0);
  const auto studies = knob_studies(analyse(rows, 1));
  ASSERT_EQ(studies.size(), 1u);
  const auto& c = studies[0].comparisons.at(0);
  EXPECT_NEAR(*c.effects[0].h, 0.0, 1e-12);
  EXPECT_FALSE(c.effects[0].significant);
  EXPECT_TRUE(c.effects[0].pairs.empty());
  EXPECT_TRUE(contains(c.sentence, "threads=1 uses the same energy per request as the default threads=2 (0.202 J)"))
      << c.sentence;
  EXPECT_TRUE(contains(c.sentence, "not significant")) << c.sentence;
}

TEST(KnobAnalysis, TheKnobThatSavesTheMostAgainstItsDefault) {
  const auto s = knob_studies(analyse(separated(), 1)).at(0);
  EXPECT_EQ(s.winner, "fixed:4 with threads=1");
  ASSERT_EQ(s.savings.size(), 1u);
  const auto& v = s.savings[0];
  EXPECT_EQ(v.best.label(), "threads=1");
  EXPECT_EQ(v.reference.label(), "threads=2") << "equally common: the larger count is the default";
  EXPECT_NEAR(*v.saving, 1.0 - 0.202 / 0.252, 1e-12);
  EXPECT_NEAR(*v.p, 0.0090234, 1e-6);
  EXPECT_EQ(s.sentence,
            "m at poisson:10: the least energy per request is fixed:4 with threads=1 (0.202 J). threads saves the "
            "most: threads=1 uses 19.8 % less energy per request than the default threads=2 with the rest unchanged "
            "(significant across its levels, Kruskal–Wallis p = 0.00902).");
  EXPECT_EQ(saving_text(v), "19.8 %");
}

TEST(KnobAnalysis, TwoKnobsAreComparedWithTheOtherFixed) {
  std::vector<TrialRow> rows;
  add(rows, "fixed:4", 1, 0.20, 60.0, "fp32");
  add(rows, "fixed:4", 1, 0.15, 65.0, "bf16");
  add(rows, "fixed:4", 2, 0.25, 40.0, "fp32");
  add(rows, "fixed:1", 2, 0.60, 10.0, "fp32");  // ten trials at each thread count: threads=2 is the default
  // threads=2 with bf16 was not run: no comparison of threads at bf16; fixed:1 ran at one level only.
  const auto a = analyse(rows, 1);
  ASSERT_EQ(a.groups.size(), 3u);
  EXPECT_EQ(a.groups[0].knobs, "threads=1, precision=fp32");
  EXPECT_EQ(a.groups[1].knobs, "threads=1, precision=bf16");
  const auto s = knob_studies(a).at(0);
  EXPECT_EQ(s.knobs, (std::vector<Knob>{Knob::threads, Knob::precision}));
  ASSERT_EQ(s.comparisons.size(), 2u);
  EXPECT_EQ(comparison_title(s.comparisons[0]), "threads, fixed:4 with precision=fp32");
  EXPECT_EQ(comparison_title(s.comparisons[1]), "precision, fixed:4 with threads=1");
  EXPECT_EQ(s.winner, "fixed:4 with threads=1, precision=bf16");
  // Against its default: precision fp32 with threads=1 (0.202 J) and threads=2 with bf16 (not run).
  ASSERT_EQ(s.savings.size(), 2u);
  EXPECT_EQ(s.savings[0].knob, Knob::precision);
  EXPECT_NEAR(*s.savings[0].saving, 1.0 - 0.152 / 0.202, 1e-12);
  EXPECT_EQ(s.savings[1].knob, Knob::threads);
  EXPECT_FALSE(s.savings[1].saving.has_value());
  EXPECT_EQ(saving_text(s.savings[1]), "– (not run at the default)");
  EXPECT_TRUE(contains(s.sentence, "precision saves the most")) << s.sentence;
  EXPECT_TRUE(contains(s.sentence, "threads: the same cell at threads=2 was not run")) << s.sentence;
}

TEST(KnobAnalysis, DefaultLevels) {
  const auto level = [](Knob knob, const std::string& requested, int threads = 1) {
    for (const auto& l : knob_levels(threads, requested)) {
      if (l.knob == knob) return l;
    }
    return KnobLevel{};
  };
  const auto one = level(Knob::threads, "{}", 1), two = level(Knob::threads, "{}", 2);
  EXPECT_EQ(default_level(Knob::threads, {{one, 3}, {two, 3}}), two) << "a tie goes to the larger count";
  EXPECT_EQ(default_level(Knob::threads, {{one, 4}, {two, 3}}), one) << "the most common count";
  const auto fp32 = level(Knob::precision, "{}"), bf16 = level(Knob::precision, R"({"precision":"bf16"})");
  EXPECT_EQ(default_level(Knob::precision, {{bf16, 9}, {fp32, 1}}), fp32);
  const auto none = level(Knob::cpu_max_freq_khz, "{}");
  const auto low = level(Knob::cpu_max_freq_khz, R"({"cpu_max_freq_khz":1200000})");
  const auto high = level(Knob::cpu_max_freq_khz, R"({"cpu_max_freq_khz":2400000})");
  EXPECT_EQ(default_level(Knob::cpu_max_freq_khz, {{low, 5}, {none, 1}, {high, 5}}), none) << "no cap";
  EXPECT_EQ(default_level(Knob::cpu_max_freq_khz, {{low, 5}, {high, 5}}), high) << "no uncapped trial: the highest";
}

TEST(KnobAnalysis, HostsAreComparedAtTheSameKnobSetting) {
  auto rows = separated();
  for (auto& r : rows) r.host = "laptop";
  const auto on_server = separated();
  for (auto r : on_server) {
    r.host = "server";
    *r.energy_per_request_j *= 2.0;
    rows.push_back(r);
  }
  const auto a = analyse(rows, 1);
  ASSERT_EQ(a.groups.size(), 4u);
  const auto compared = host_rows(a);
  ASSERT_EQ(compared.size(), 4u) << "two policies at two thread counts";
  EXPECT_EQ(compared[1].knobs, "threads=1");
  EXPECT_EQ(compared[1].policy, "fixed:4");
  ASSERT_EQ(compared[1].cells.size(), 2u);
  EXPECT_NEAR(compared[1].cells[0]->energy->mean, 0.202, 1e-12);
  EXPECT_NEAR(compared[1].cells[1]->energy->mean, 0.404, 1e-12);
  const auto studies = knob_studies(a);
  ASSERT_EQ(studies.size(), 2u) << "one per host";
  EXPECT_EQ(studies[1].host, "server");
}

TEST(KnobAnalysis, MarkdownHasAKnobsSectionOnlyWhenAKnobVaries) {
  const auto a = analyse(separated(), 1);
  const auto studies = knob_studies(a);
  const std::vector<Figure> none;
  const ReportContent content{"r", "2026-01-01T00:00:00Z", "k.db", &a, &none, nullptr, &studies, &none};
  const auto md = markdown_report(content);
  for (const char* part :
       {"\n## m, poisson:10, threads=1\n", "| m | poisson:10 | threads=2 | fixed:4 |", "\n## Knobs\n",
        "\n### m, poisson:10\n", "| threads | threads=1 | threads=2 | 19.8 % | 0.00902 |", "\n#### threads, fixed:4\n",
        "| threads=1 | 0.202 [", "  - threads=1 vs threads=2: Dunn z = ", "threads saves the most"}) {
    EXPECT_TRUE(contains(md, part)) << part << "\n" << md;
  }
  std::vector<TrialRow> one_level;
  add(one_level, "fixed:4", 1, 0.20, 60.0);
  const auto b = analyse(one_level, 1);
  const auto no_studies = knob_studies(b);
  EXPECT_TRUE(no_studies.empty());
  const ReportContent plain{"r", "2026-01-01T00:00:00Z", "k.db", &b, &none, nullptr, &no_studies, &none};
  const auto plain_md = markdown_report(plain);
  EXPECT_FALSE(contains(plain_md, "## Knobs")) << plain_md;
  EXPECT_TRUE(contains(plain_md, "\n## m, poisson:10\n")) << "no knob label when none varies\n" << plain_md;
}

}  // namespace
}  // namespace greenbatch::report
