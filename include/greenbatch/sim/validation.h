#pragma once
/// The simulator checked against live trials: each stored trial whose model has a profile is
/// simulated with the same policy, arrivals (spec and seed), length and queue bound, and the two
/// are compared on mean, p95 and p99 response time and energy per request. The one definition of
/// "relative error" and "within target" that validate, the report and recommend --verify share.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "greenbatch/profile/profile_document.h"
#include "greenbatch/trial/trial_record.h"

namespace greenbatch::sim {

/// The target agreement between simulation and live measurement, as a fraction.
inline constexpr double kValidationTolerance = 0.10;

/// How many times each trial is simulated on its own arrivals, with service-time draws seeded
/// seed, seed + 1, ...: the simulated figures are their means (the expected outcome of those
/// arrivals, not one more draw as noisy as the live trial), and their range is kept.
inline constexpr std::uint64_t kSimulationsPerTrial = 20;

/// (simulated − measured) / measured: positive when the simulation predicts more; null when
/// either is missing or the measured value is 0.
std::optional<double> relative_error(std::optional<double> measured, std::optional<double> simulated);

/// |relative_error| <= kValidationTolerance (false when it is null).
bool within_tolerance(std::optional<double> measured, std::optional<double> simulated);

/// The lowest and highest value of a figure over the simulations of one trial, in ms.
struct SimRange {
  double low = 0.0, high = 0.0;
};

/// One trial, live against simulated (each sim_ figure the mean over kSimulationsPerTrial runs).
struct ValidationRow {
  std::string trial_id, model, policy, arrival;
  std::optional<double> live_mean_ms, sim_mean_ms, live_p95_ms, sim_p95_ms, live_p99_ms, sim_p99_ms;
  std::optional<double> live_energy_j, sim_energy_j;      ///< per request
  std::string live_energy_source, sim_energy_source;      ///< what measured / what the simulation used
  std::optional<SimRange> sim_mean_range, sim_p95_range;  ///< over the simulations of the trial
  bool interpolated = false;                              ///< the simulation interpolated some batch sizes
  bool idle_gaps = false;  ///< the simulation drew batches by their idle time (the profile has idle-gap cells)
  bool within = false;     ///< mean, p95 and (when live has it) energy per request within the tolerance
  std::string reasons;     ///< every figure outside the tolerance (p99 included) and why, as far as
                           ///< the data tell ("" when all four are within)
  /// The same simulations with the live batches' own service times (size by size) in place of the
  /// profile's: a check that tells the profile's service times from the queueing model as the
  /// cause of a miss; null without stored batches. Not a prediction.
  std::optional<double> replay_mean_ms, replay_p95_ms;
};

/// The comparison over every trial that could be simulated.
struct Validation {
  std::vector<ValidationRow> rows;
  std::vector<std::string> skipped;  ///< trials of profiled models not simulated, and why
};

/// Whether validate() would simulate `trial`: it is ok and one of `profiles` has cells of its model
/// (so callers load its batches only then).
bool will_simulate(const trial::TrialRecord& trial, const std::vector<profile::ProfileDocument>& profiles);

/// Simulates every ok trial of `trials` whose model is in one of `profiles` (a profile that lacks
/// batch sizes is interpolated, and said so) on the trial's own finite arrival schedule (so an
/// overloaded trial is simulated too) and compares. Trials of other models are left out.
Validation validate(const std::vector<trial::TrialRecord>& trials,
                    const std::vector<profile::ProfileDocument>& profiles);

}  // namespace greenbatch::sim
