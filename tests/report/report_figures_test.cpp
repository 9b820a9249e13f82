// The report's figures as data: golden Vega-Lite specs (the data each figure plots) for a
// hand-made group, and one mark per data point in every figure's "points" layer.
#include "report/report_figures.h"

#include "report/knob_analysis.h"
#include "support/text.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace greenbatch::report {
namespace {

using testing::contains;
using testing::read_text;

// Two arrivals; fixed:1 and fixed:4 with two repetitions, greedy:8 with five (so its mean and
// interval are drawn instead of its repetitions). SLO 30 ms. Energy from the estimate.
std::vector<TrialRow> rows() {
  std::vector<TrialRow> out;
  const auto add = [&out](const std::string& arrival, const std::string& policy, int rep, double energy, double p95,
                          double batch) {
    TrialRow r;
    r.trial_id = arrival.substr(0, 1) + policy + "#" + std::to_string(rep);
    r.model = "m";
    r.policy = policy;
    r.arrival = arrival;
    r.energy_source = "estimate";
    r.repetition = rep;
    r.energy_per_request_j = energy;
    r.dynamic_energy_per_request_j = energy / 2;
    r.response_p50_ms = p95 / 2;
    r.response_p95_ms = p95;
    r.response_max_ms = p95 + 1;
    r.mean_batch_size = batch;
    r.slo_ms = 30.0;
    out.push_back(r);
  };
  for (const std::string arrival : {"poisson:10", "poisson:40"}) {
    for (int rep = 0; rep < 2; ++rep) {
      add(arrival, "fixed:1", rep, 0.5 + 0.01 * rep, 10.0 + rep, 1.0);
      add(arrival, "fixed:4", rep, 0.2 + 0.01 * rep, 50.0 + rep, 4.0);
    }
    for (int rep = 0; rep < 5; ++rep) add(arrival, "greedy:8", rep, 0.3 + 0.01 * rep, 20.0 + rep, 3.0 + 0.1 * rep);
  }
  return out;
}

// Every mark of the "points" layer is one data row, and the series counts add up.
void expect_one_mark_per_point(const Figure& f) {
  std::size_t layers = 0;
  for (const auto& layer : f.spec.at("layer")) {
    if (layer.value("name", "") != "points") continue;
    ++layers;
    EXPECT_EQ(layer.at("data"), points_data()) << f.name;
    EXPECT_EQ(f.spec.at("datasets").at("points").size(), f.points) << f.name;
  }
  EXPECT_EQ(layers, 1u) << f.name;
  std::size_t total = 0;
  for (const auto& [series, n] : f.series) total += n;
  EXPECT_EQ(total, f.points) << f.name;
}

TEST(ReportFigures, SpecsMatchGolden) {
  const auto analysis = analyse(rows(), 1);
  ASSERT_EQ(analysis.groups.size(), 2u);
  std::vector<const Group*> groups{&analysis.groups[0], &analysis.groups[1]};
  const std::vector<Figure> figures{tradeoff_figure(analysis.groups[0]), batch_figure(groups, "energy"),
                                    batch_figure(groups, "latency")};
  // 2 + 2 repetitions and one mean; per arrival; three statistics in the latency figure.
  EXPECT_EQ(figures[0].points, 5u);
  EXPECT_EQ(figures[1].points, 10u);
  EXPECT_EQ(figures[2].points, 30u);
  nlohmann::ordered_json all = nlohmann::ordered_json::object();
  for (const auto& f : figures) {
    expect_one_mark_per_point(f);
    all[f.name] = f.spec;
  }
  const auto text = all.dump(1) + "\n";
  const auto golden = read_text(GREENBATCH_SOURCE_DIR "/tests/report/golden/figures.json");
  EXPECT_EQ(text, golden);
  if (text != golden) {
    std::filesystem::create_directories(GREENBATCH_TEST_WORK_DIR);
    std::ofstream(GREENBATCH_TEST_WORK_DIR "/figures.json") << text;  // to compare with the golden file
  }
}

TEST(ReportFigures, EveryFigureFlagsAnEstimate) {
  const auto analysis = analyse(rows(), 1);
  std::vector<const Group*> groups{&analysis.groups[0], &analysis.groups[1]};
  for (const auto& f :
       {tradeoff_figure(analysis.groups[0]), batch_figure(groups, "energy"), batch_figure(groups, "dynamic")}) {
    EXPECT_NE(f.spec.at("title").at("subtitle").dump().find("an ESTIMATE from a power model"), std::string::npos)
        << f.name;
  }
}

TEST(ReportFigures, PowerTraceOnTheTrialClockWithBatchesAsBands) {
  const PowerTrace trace{"t",
                         "rapl",
                         {{0.005, 4.0}, {0.105, 6.0}, {0.205, std::nullopt}},
                         store::TraceClock::trial,
                         {{.id = 0, .size = 2, .dispatch_s = 0.01, .start_s = 0.01, .end_s = 0.05}}};
  const auto on_clock = on_trial_clock(trace.samples, trace.clock);
  ASSERT_EQ(on_clock.size(), 3u);
  EXPECT_DOUBLE_EQ(on_clock[0].time_s, 0.005) << "already on the trial clock";
  // An older store's samples are on the sampler's epoch: re-based on the first.
  const auto legacy = on_trial_clock({{10.5, 4.0}, {10.7, 6.0}}, store::TraceClock::sampler);
  EXPECT_DOUBLE_EQ(legacy[0].time_s, 0.0);
  EXPECT_NEAR(legacy[1].time_s, 0.2, 1e-12);
  const auto f = power_figure(trace);
  EXPECT_EQ(f.points, 2u) << "the sample without a total is not drawn";
  const auto& bands = f.spec.at("layer").at(0);
  EXPECT_EQ(bands.at("name"), "bands");
  EXPECT_EQ(bands.at("data").at("values").size(), 1u);
  expect_one_mark_per_point(f);
}

}  // namespace
}  // namespace greenbatch::report

namespace greenbatch::report {
namespace {

TEST(ReportFigures, ValidationHasAPointPerSimulatedTrialAndTheDiagonal) {
  sim::Validation v;
  v.rows.push_back({.trial_id = "a", .live_p95_ms = 10.0, .sim_p95_ms = 10.5, .within = true});
  v.rows.push_back({.trial_id = "b", .live_p95_ms = 20.0, .sim_p95_ms = 30.0, .within = false});
  v.rows.push_back({.trial_id = "c", .live_p95_ms = 20.0});  // not simulated: no point
  const auto f = validation_figure(v);
  EXPECT_EQ(f.points, 2u);
  EXPECT_EQ(f.series, (std::map<std::string, std::size_t>{{"outside", 1}, {"within", 1}}));
  const auto& diagonal = f.spec.at("layer").at(0);
  EXPECT_EQ(diagonal.at("name"), "diagonal");
  EXPECT_EQ(diagonal.at("data").at("values").at(1).at("x"), 30.0) << "up to the largest value";
  expect_one_mark_per_point(f);
}

}  // namespace
}  // namespace greenbatch::report

namespace greenbatch::report {
namespace {

// fixed:1 and fixed:4 at two levels of one knob, two repetitions each, energy from the estimate.
std::vector<TrialRow> knob_rows(const std::vector<std::string>& requested) {
  std::vector<TrialRow> out;
  for (const std::string policy : {"fixed:1", "fixed:4"}) {
    for (std::size_t level = 0; level < requested.size(); ++level) {
      for (int rep = 0; rep < 2; ++rep) {
        TrialRow r;
        r.trial_id = policy + requested[level] + std::to_string(rep);
        r.model = "m";
        r.policy = policy;
        r.arrival = "poisson:10";
        r.energy_source = "estimate";
        r.repetition = rep;
        r.energy_per_request_j = 0.5 - 0.1 * static_cast<double>(level) + 0.01 * rep;
        r.response_p95_ms = 10.0 + 5.0 * static_cast<double>(level) + rep;
        r.knobs = knob_levels(1, requested[level]);
        out.push_back(r);
      }
    }
  }
  return out;
}

const nlohmann::ordered_json* layer(const Figure& f, const std::string& name) {
  for (const auto& l : f.spec.at("layer")) {
    if (l.value("name", "") == name) return &l;
  }
  return nullptr;
}

TEST(ReportFigures, KnobFiguresHaveASeriesPerPolicyAgainstTheLevelsInOrder) {
  const auto studies = knob_studies(analyse(knob_rows({R"({"threads":2})", R"({"threads":1})"}), 1));
  ASSERT_EQ(studies.size(), 1u);
  const auto energy = knob_figure({&studies[0]}, Knob::threads, "energy");
  EXPECT_EQ(energy.name, "knob_energy_threads_m");
  // Two levels × two repetitions (fewer than five: each repetition is a point) per policy.
  EXPECT_EQ(energy.series, (std::map<std::string, std::size_t>{{"fixed:1", 4}, {"fixed:4", 4}}));
  expect_one_mark_per_point(energy);
  const auto& points = *layer(energy, "points");
  EXPECT_EQ(points.at("encoding").at("x").at("sort"), nlohmann::ordered_json::array({"1", "2"}));
  EXPECT_EQ(points.at("encoding").at("y").at("title"), "energy per request (J, estimate)");
  const auto& data = energy.spec.at("datasets").at("points");
  EXPECT_EQ(data.at(0).at("level"), "1");
  EXPECT_DOUBLE_EQ(data.at(0).at("y").get<double>(), 0.5 - 0.1) << "threads=1 was the second level asked for";
  EXPECT_FALSE(data.at(0).contains("x")) << "the level is the position";
  EXPECT_NE(layer(energy, "lines"), nullptr) << "thread counts are ordered";
  EXPECT_NE(energy.spec.at("title").at("subtitle").dump().find("an ESTIMATE from a power model"), std::string::npos);

  const auto p95 = knob_figure({&studies[0]}, Knob::threads, "p95");
  EXPECT_EQ(p95.name, "knob_p95_threads_m");
  EXPECT_EQ(layer(p95, "points")->at("encoding").at("y").at("title"), "p95 response time (ms)");
  EXPECT_EQ(p95.points, 8u);

  // The figures of the groups keep the thread counts apart too.
  const auto a = analyse(knob_rows({R"({"threads":2})", R"({"threads":1})"}), 1);
  ASSERT_EQ(a.groups.size(), 2u);
  EXPECT_EQ(tradeoff_figure(a.groups[0]).name, "tradeoff_m_poisson_10_threads_1");
  EXPECT_EQ(tradeoff_figure(a.groups[1]).name, "tradeoff_m_poisson_10_threads_2");
  const auto batch = batch_figure({&a.groups[0], &a.groups[1]}, "energy");
  EXPECT_EQ(batch.series,
            (std::map<std::string, std::size_t>{{"poisson:10, threads=1", 4}, {"poisson:10, threads=2", 4}}));

  const auto precision = knob_studies(analyse(knob_rows({"{}", R"({"precision":"bf16"})"}), 1));
  const auto f = knob_figure({&precision.at(0)}, Knob::precision, "energy");
  EXPECT_EQ(layer(f, "points")->at("encoding").at("x").at("sort"), nlohmann::ordered_json::array({"fp32", "bf16"}));
  EXPECT_EQ(layer(f, "lines"), nullptr) << "precisions have no order to draw";
  expect_one_mark_per_point(f);
}

}  // namespace
}  // namespace greenbatch::report
