#pragma once
/// A study's design expanded into trials: the factorial product of models, policies, arrival
/// processes, thread counts and power knobs, repeated, and shuffled with the study's seed.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "greenbatch/study/study_config.h"

namespace greenbatch::study {

/// One trial of a study, before it runs.
struct PlannedTrial {
  std::string trial_id;       ///< deterministic: a hash of the study id, the cell and the repetition
  std::int64_t position = 0;  ///< 0-based place in the (shuffled) running order
  std::string model;          ///< as in StudyConfig::models
  std::string policy;         ///< normalised policy spec (remote: the target's server_policies label, or "")
  std::string target;         ///< remote: the server's URL (empty for an in-process trial)
  std::string arrival;        ///< normalised arrival spec
  int threads = 0;            ///< intra-op threads (0: the cores available)
  engine::Precision precision = engine::Precision::fp32;  ///< the model's precision
  std::optional<std::uint64_t> cpu_max_freq_khz;          ///< the CPU frequency cap, when a factor
  std::optional<unsigned> gpu_power_limit_w;              ///< the GPU power limit, when a factor
  int repetition = 0;                                     ///< 0-based
  std::uint64_t seed = 0;  ///< seed of this trial's arrivals and images: study seed + repetition
};

/// Every trial of `config` in running order: models × policies × arrivals × threads × precisions × CPU caps ×
/// GPU power limits × repetitions, shuffled
/// (Fisher–Yates with std::mt19937_64 seeded by the study seed, so the order is the same on every
/// platform) unless `shuffle` is false.
std::vector<PlannedTrial> expand_design(const StudyConfig& config);

}  // namespace greenbatch::study
