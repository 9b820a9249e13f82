#pragma once
/// A study's design expanded into trials: the factorial product of models, policies and arrival
/// processes, repeated, and shuffled with the study's seed.

#include <cstdint>
#include <string>
#include <vector>

#include "greenbatch/study/study_config.h"

namespace greenbatch::study {

/// One trial of a study, before it runs.
struct PlannedTrial {
  std::string trial_id;       ///< deterministic: a hash of the study id, the cell and the repetition
  std::int64_t position = 0;  ///< 0-based place in the (shuffled) running order
  std::string model;          ///< as in StudyConfig::models
  std::string policy;         ///< normalised policy spec
  std::string arrival;        ///< normalised arrival spec
  int repetition = 0;         ///< 0-based
  std::uint64_t seed = 0;     ///< seed of this trial's arrivals and images: study seed + repetition
};

/// Every trial of `config` in running order: models × policies × arrivals × repetitions, shuffled
/// (Fisher–Yates with std::mt19937_64 seeded by the study seed, so the order is the same on every
/// platform) unless `shuffle` is false.
std::vector<PlannedTrial> expand_design(const StudyConfig& config);

}  // namespace greenbatch::study
