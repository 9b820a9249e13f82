#pragma once
/// Internal to cli: one live trial from the command line — payload, backend, warm-up, meters, idle
/// baseline, the trial and its resolved configuration — shared by run and recommend --verify.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backend_flags.h"
#include "greenbatch/batching/policy.h"
#include "greenbatch/engine/backend.h"
#include "greenbatch/trial/payload.h"
#include "greenbatch/trial/trial_record.h"
#include "meter_flags.h"

namespace CLI {
class App;
}  // namespace CLI

namespace greenbatch::cli {

/// The flags of a live trial besides its workload.
struct LiveTrialFlags {
  BackendFlags backend;     ///< the one model and where it runs (--seed also seeds the arrivals)
  MeterFlags meter;         ///< the energy meters and idle baseline
  std::string images;       ///< --images folder (empty: generated images, or none for synthetic)
  int warmup_batches = 2;   ///< --warmup-batches at sizes 1 and the policy's maximum
};

/// Adds the backend (one model, synthetic allowed), meter, --images and --warmup-batches flags.
void add_live_trial_flags(CLI::App& cmd, LiveTrialFlags& flags);

/// The one model the flags name. Throws UsageError unless exactly one is named.
std::string live_trial_target(const LiveTrialFlags& flags);

/// A loaded backend with the payload its requests carry; owned by the caller, used by one trial.
struct LiveSetup {
  std::string target;                        ///< the model as named on the command line
  trial::Payload payload;                    ///< what each request carries
  std::unique_ptr<engine::Backend> backend;  ///< loaded, not yet warmed up
};

/// Checks the flags, loads the payload (an --images folder, generated images, or none for the
/// synthetic backend), then the backend. Throws the payload's and the backend's errors.
LiveSetup load_live_setup(const LiveTrialFlags& flags);

/// What one live trial runs, resolved.
struct LiveWorkload {
  const batching::Policy& policy;           ///< the batching policy
  std::string arrival;                      ///< normalised arrival spec
  std::vector<double> schedule;             ///< arrival times, s from the start (non-empty)
  std::optional<std::int64_t> requests;     ///< the schedule's length, when given as a count
  std::optional<double> duration_s;         ///< or its horizon, when given as a duration
  std::int64_t queue_capacity = 0;          ///< bound of the request queue
  std::optional<double> slo_ms;             ///< for slo_attainment
};

/// Warms the backend up at sizes 1 and the policy's maximum (at most 32), starts the meters,
/// measures the idle baseline, runs the trial (progress on stderr) and fills its configuration,
/// start time, id and environment; meter faults go to stderr. Consumes the setup's payload.
trial::TrialRecord run_live(LiveSetup& setup, const LiveTrialFlags& flags, const LiveWorkload& workload);

/// Throws Error when the backend failed mid-trial (status backend_failed); call it after printing
/// what the trial gathered.
void check_backend_ok(const trial::TrialRecord& record);

}  // namespace greenbatch::cli
