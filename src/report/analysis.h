#pragma once
// The study's answers as numbers: per model, arrival and host, each policy's energy and response
// time over repetitions; whether the policy and the batch size matter (Kruskal–Wallis, Dunn–Holm,
// Cliff's delta); the least-energy policy, the recommended one under the SLO, the Pareto front;
// the same cells compared across hosts. Groups are split by the knobs that vary (knob_analysis.h
// compares their levels). Pure: no I/O.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "trial_rows.h"

namespace greenbatch::report {

/// Below this many repetitions a cell shows each repetition and no interval: a bootstrap
/// interval from two or three values says nothing about the spread.
inline constexpr std::size_t kMinRepetitionsForInterval = 5;

/// A mean over repetitions, with its bootstrap 95 % confidence interval from
/// kMinRepetitionsForInterval repetitions on.
struct Estimate {
  std::size_t n = 0;           ///< repetitions with a value
  double mean = 0.0;           ///< their mean
  std::optional<double> low;   ///< 2.5th percentile of the bootstrap means (null: too few repetitions)
  std::optional<double> high;  ///< 97.5th percentile
};

/// One policy within a (model, arrival, host) group.
struct PolicyCell {
  std::string policy;
  PolicyFacts facts;                       ///< family and fixed batch size
  std::optional<Estimate> energy;          ///< energy per request, J
  std::optional<Estimate> dynamic_energy;  ///< dynamic energy per request, J
  std::optional<Estimate> p50, p95, max;   ///< response times, ms
  std::optional<Estimate> batch_size;      ///< mean batch size achieved
  std::vector<double> energy_values;       ///< per repetition
  std::vector<double> p95_values;          ///< per repetition
  std::vector<TrialRow> trials;            ///< its ok trials, one per repetition
};

/// One pair of policies compared after a Kruskal–Wallis test.
struct PairComparison {
  std::string a, b;           ///< the policies
  double z = 0.0;             ///< Dunn's z
  double p_holm = 1.0;        ///< Holm-adjusted p
  double cliffs_delta = 0.0;  ///< P(a > b) − P(a < b)
  std::string magnitude;      ///< negligible, small, medium, large
};

/// Does the policy (or the batch size) affect `metric` for one group?
struct PolicyEffect {
  std::string metric;                           ///< "energy per request" or "p95 response time"
  std::optional<double> h, p, epsilon_squared;  ///< null when the test cannot run (too few values)
  std::size_t df = 0;
  bool significant = false;           ///< p < 0.05
  std::vector<PairComparison> pairs;  ///< Dunn + Holm, only when significant
  std::string sentence;               ///< the finding in plain words, with its numbers
};

/// All policies of one model under one arrival process on one host, at one setting of the knobs
/// that vary among that model's, arrival's and host's trials.
struct Group {
  std::string model, arrival, host;
  std::string energy_source;                ///< the sources of its energy figures
  std::optional<double> slo_ms;             ///< the response-time objective its trials ran with
  std::vector<PolicyCell> cells;            ///< in policy order
  std::vector<PolicyEffect> effects;        ///< across all policies: energy, then response time
  std::vector<PolicyEffect> batch_effects;  ///< across fixed batch sizes only (the paper's question)
  std::optional<std::string> best;          ///< least mean energy per request
  std::string best_sentence;                ///< its saving and latency cost in words
  std::string batch_sentence;               ///< which fixed batch size minimises energy, in words
  std::optional<double> saving;             ///< best against fixed:1: 1 − best/unbatched energy per request
  std::optional<std::string> recommended;   ///< least energy among policies whose mean p95 meets the SLO
  std::string recommended_reason;           ///< why it was chosen
  std::vector<std::string> pareto;          ///< policies on the energy–p95 Pareto front, by p95
  std::vector<KnobLevel> knob_levels;       ///< the levels of the knobs that vary (none: no knob varies)
  std::string knobs;                        ///< those levels in words: "threads=1, precision=bf16"
};

/// The analysis of a set of trials.
struct Analysis {
  std::vector<Group> groups;          ///< by model, arrival, then host
  std::size_t trials = 0;             ///< trials read
  std::size_t failed = 0;             ///< with a status other than ok (left out)
  std::vector<std::string> sources;   ///< every energy source seen
  std::vector<std::string> hosts;     ///< every host seen, in order
  std::vector<Machine> machines;      ///< what each host is (as its first trial recorded it), same order
  std::vector<std::string> timeline;  ///< growth of energy per image and accuracy per year, per host
};

/// One set of values to compare: a policy's or a knob level's repetitions.
struct Sample {
  std::string name;                   ///< the policy, or the level ("threads=2")
  const std::vector<double>* values;  ///< one per repetition; not owned
};

/// A metric every comparison tests, with the cell's values of it.
struct ComparedMetric {
  const char* name;                         ///< "energy per request", "p95 response time"
  std::vector<double> PolicyCell::*values;  ///< the cell's repetitions of it
};

/// The metrics every comparison tests: energy per request, then p95 response time.
inline constexpr ComparedMetric kComparedMetrics[] = {{"energy per request", &PolicyCell::energy_values},
                                                      {"p95 response time", &PolicyCell::p95_values}};

/// Does `factor` ("the batching policy", "threads") affect `metric` across `samples`, at `where`?
/// Kruskal–Wallis; Dunn + Holm and Cliff's delta when p < 0.05. `kind` names the samples in the
/// sentence that says the test cannot run ("policies", "levels").
PolicyEffect factor_effect(const std::string& metric, const std::vector<Sample>& samples, const std::string& where,
                           const std::string& factor, const std::string& kind);

/// "m at poisson:10" and, when knobs vary, " with threads=1": where a group's findings hold.
std::string group_place(const Group& group);

/// True when any of `source`'s parts is the power-model estimate.
bool is_estimate(const std::string& source);

/// Analyses `rows`; bootstrap resampling is seeded with `seed`.
Analysis analyse(const std::vector<TrialRow>& rows, std::uint64_t seed);

}  // namespace greenbatch::report
