// Expanding a study into its trials: the factorial product, repeated, shuffled with the study seed.
#include "greenbatch/study/design.h"

#include <limits>
#include <optional>
#include <random>
#include <type_traits>
#include <utility>

#include "greenbatch/core/stamp.h"

namespace greenbatch::study {
namespace {

// A number uniform in [0, bound) from `rng`, by rejection, so it is the same on every platform
// (std::uniform_int_distribution's algorithm is left to the library).
std::uint64_t uniform_below(std::mt19937_64& rng, std::uint64_t bound) {
  static_assert(std::mt19937_64::min() == 0 && std::mt19937_64::max() == std::numeric_limits<std::uint64_t>::max());
  const std::uint64_t threshold = (std::numeric_limits<std::uint64_t>::max() - bound + 1) % bound;  // 2^64 mod bound
  while (true) {
    const std::uint64_t draw = rng();
    if (draw >= threshold) return draw % bound;
  }
}

}  // namespace

std::vector<PlannedTrial> expand_design(const StudyConfig& config) {
  const auto id = study_id(config);
  // An unset knob is one level, "left as is".
  const auto levels = [](const auto& values) {
    std::vector<std::optional<typename std::decay_t<decltype(values)>::value_type>> all(values.begin(), values.end());
    if (all.empty()) all.emplace_back();
    return all;
  };
  std::vector<PlannedTrial> trials;
  // With targets, the servers (each batching its own way) are the policy factor.
  const bool remote = !config.targets.empty();
  const auto& levels_of_policy = remote ? config.targets : config.policies;
  for (const auto& model : config.models) {
    for (std::size_t p = 0; p < levels_of_policy.size(); ++p) {
      const auto& policy = levels_of_policy[p];
      for (const auto& arrival : config.arrivals) {
        for (const int threads : config.threads) {
          for (const auto precision : config.precisions) {
            for (const auto& cpu : levels(config.cpu_max_freqs)) {
              for (const auto& gpu : levels(config.gpu_power_limits)) {
                for (int repetition = 0; repetition < config.repetitions; ++repetition) {
                  // The factor levels join the key only when they vary, so a study without them keeps its ids.
                  std::string key = id + "|" + model + "|" + policy + "|" + arrival;
                  if (config.threads.size() > 1) key += "|threads=" + std::to_string(threads);
                  if (config.precisions.size() > 1) key += "|precision=" + engine::to_string(precision);
                  if (cpu) key += "|cpu_max_freq=" + std::to_string(*cpu);
                  if (gpu) key += "|gpu_power_limit=" + std::to_string(*gpu);
                  key += "|" + std::to_string(repetition);
                  const auto server_policy = p < config.server_policies.size() ? config.server_policies[p] : "";
                  trials.push_back({short_hash(key), 0, model, remote ? server_policy : policy, remote ? policy : "",
                                    arrival, threads, precision, cpu, gpu, repetition,
                                    config.seed + static_cast<std::uint64_t>(repetition)});
                }
              }
            }
          }
        }
      }
    }
  }
  if (config.shuffle && trials.size() > 1) {
    std::mt19937_64 rng(config.seed);
    for (std::size_t i = trials.size() - 1; i > 0; --i) {
      std::swap(trials[i], trials[uniform_below(rng, i + 1)]);
    }
  }
  for (std::size_t i = 0; i < trials.size(); ++i) trials[i].position = static_cast<std::int64_t>(i);
  return trials;
}

}  // namespace greenbatch::study
