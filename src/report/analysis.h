#pragma once
// The study's answers as numbers: per model and arrival, each policy's energy and response time
// with confidence intervals; whether the policy matters (Kruskal–Wallis, Dunn, effect sizes);
// the best policy per cell. Pure: no I/O.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "trial_rows.h"

namespace greenbatch::report {

/// A mean over repetitions with its bootstrap 95 % confidence interval.
struct Estimate {
  std::size_t n = 0;    ///< repetitions with a value
  double mean = 0.0;    ///< their mean
  double low = 0.0;     ///< 2.5th percentile of the bootstrap means
  double high = 0.0;    ///< 97.5th percentile
};

/// One policy within a (model, arrival) group.
struct PolicyCell {
  std::string policy;
  std::optional<Estimate> energy;          ///< energy per request, J
  std::optional<Estimate> dynamic_energy;  ///< dynamic energy per request, J
  std::optional<Estimate> p50, p95, max;   ///< response times, ms
  std::vector<double> energy_values;       ///< per repetition (for tests)
  std::vector<double> p95_values;          ///< per repetition
};

/// One pair of policies compared after a Kruskal–Wallis test.
struct PairComparison {
  std::string a, b;          ///< the policies
  double z = 0.0;            ///< Dunn's z
  double p_holm = 1.0;       ///< Holm-adjusted p
  double cliffs_delta = 0.0; ///< P(a > b) − P(a < b)
  std::string magnitude;     ///< negligible, small, medium, large
};

/// Does the policy affect `metric` for one (model, arrival)?
struct PolicyEffect {
  std::string metric;                  ///< "energy per request" or "p95 response time"
  std::optional<double> h, p, epsilon_squared;  ///< null when the test cannot run (too few values)
  std::size_t df = 0;
  bool significant = false;            ///< p < 0.05
  std::vector<PairComparison> pairs;   ///< Dunn + Holm, only when significant
  std::string sentence;                ///< the finding in plain words
};

/// All policies of one model under one arrival process.
struct Group {
  std::string model, arrival;
  std::string energy_source;           ///< the sources of its energy figures
  std::vector<PolicyCell> cells;       ///< in policy order
  std::vector<PolicyEffect> effects;   ///< energy, then response time
  std::optional<std::string> best;     ///< least mean energy per request
  std::string best_sentence;           ///< its saving and latency cost in words
};

/// The analysis of a set of trials.
struct Analysis {
  std::vector<Group> groups;           ///< by model, then arrival
  std::size_t trials = 0;              ///< trials read
  std::size_t failed = 0;              ///< with a status other than ok (left out)
  std::vector<std::string> sources;    ///< every energy source seen
};

/// Analyses `rows`; bootstrap resampling is seeded with `seed`.
Analysis analyse(const std::vector<TrialRow>& rows, std::uint64_t seed);

}  // namespace greenbatch::report
