#pragma once
/// The simulator checked against live trials: each stored trial whose model has a profile is
/// simulated with the same policy, arrivals (spec and seed), length and queue bound, and the two
/// are compared on mean, p95 and p99 response time and energy per request. The one definition of
/// "relative error" and "within target" that validate, the report and recommend --verify share.

#include <optional>
#include <string>
#include <vector>

#include "greenbatch/profile/profile_document.h"
#include "greenbatch/trial/trial_record.h"

namespace greenbatch::sim {

/// The target agreement between simulation and live measurement, as a fraction.
inline constexpr double kValidationTolerance = 0.10;

/// (simulated − measured) / measured: positive when the simulation predicts more; null when
/// either is missing or the measured value is 0.
std::optional<double> relative_error(std::optional<double> measured, std::optional<double> simulated);

/// |relative_error| <= kValidationTolerance (false when it is null).
bool within_tolerance(std::optional<double> measured, std::optional<double> simulated);

/// One trial, live against simulated.
struct ValidationRow {
  std::string trial_id, model, policy, arrival;
  std::optional<double> live_mean_ms, sim_mean_ms, live_p95_ms, sim_p95_ms, live_p99_ms, sim_p99_ms;
  std::optional<double> live_energy_j, sim_energy_j;  ///< per request
  std::string live_energy_source, sim_energy_source;  ///< what measured / what the simulation used
  bool interpolated = false;                          ///< the simulation interpolated some batch sizes
  bool idle_gaps = false;  ///< the simulation drew batches by their idle time (the profile has idle-gap cells)
  bool within = false;     ///< mean, p95 and (when live has it) energy per request within the tolerance
  std::string reasons;     ///< every figure outside the tolerance (p99 included) and why, as far as
                           ///< the data tell ("" when all four are within)
};

/// The comparison over every trial that could be simulated.
struct Validation {
  std::vector<ValidationRow> rows;
  std::vector<std::string> skipped;  ///< trials of profiled models not simulated, and why
};

/// Simulates every ok trial of `trials` whose model is in one of `profiles` (a profile that lacks
/// batch sizes is interpolated, and said so) on the trial's own finite arrival schedule (so an
/// overloaded trial is simulated too) and compares. Trials of other models are left out.
Validation validate(const std::vector<trial::TrialRecord>& trials,
                    const std::vector<profile::ProfileDocument>& profiles);

}  // namespace greenbatch::sim
