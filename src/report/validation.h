#pragma once
// The simulator checked against live trials: each stored trial whose model has a profile is
// simulated with the same policy, arrivals (spec and seed), length and queue, and the two are
// compared on mean and p95 response time and energy per request.

#include <optional>
#include <string>
#include <vector>

#include "greenbatch/profile/profile_document.h"
#include "trial_rows.h"

namespace greenbatch::report {

/// The target agreement between simulation and live measurement.
inline constexpr double kValidationTolerance = 0.10;

/// One trial, live against simulated.
struct ValidationRow {
  std::string trial_id, model, policy, arrival;
  std::optional<double> live_mean_ms, sim_mean_ms, live_p95_ms, sim_p95_ms;
  std::optional<double> live_energy_j, sim_energy_j;  ///< per request
  bool interpolated = false;    ///< the simulation interpolated some batch sizes
  bool within = false;          ///< every compared figure within kValidationTolerance
  std::string reasons;          ///< why not, as far as the data tell ("" when within)
};

/// The comparison over every trial that could be simulated.
struct Validation {
  std::vector<ValidationRow> rows;
  std::vector<std::string> skipped;  ///< trials not simulated and why
};

/// Simulates every ok trial of `rows` whose model is in one of `profiles` (a profile that lacks
/// batch sizes is interpolated, and said so) and compares.
Validation validate(const std::vector<TrialRow>& rows, const std::vector<profile::ProfileDocument>& profiles);

/// (simulated − live) / live, or null when either is missing or live is 0.
std::optional<double> relative_error(std::optional<double> live, std::optional<double> simulated);

}  // namespace greenbatch::report
