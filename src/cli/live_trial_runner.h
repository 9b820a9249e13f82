#pragma once
/// Internal to cli: the flags of a live trial (one model, meters, images, warm-up) turned into
/// the trial builder's settings, shared by run and recommend --verify.

#include <functional>
#include <string>

#include "backend_flags.h"
#include "greenbatch/trial/trial_builder.h"
#include "greenbatch/trial/trial_record.h"
#include "meter_flags.h"

namespace CLI {
class App;
}  // namespace CLI

namespace greenbatch::cli {

/// The flags of a live trial besides its workload.
struct LiveTrialFlags {
  BackendFlags backend;                               ///< the one model (--seed also seeds arrivals)
  MeterFlags meter;                                   ///< the energy meters and idle baseline
  std::string images;                                 ///< --images folder (empty: generated, or none)
  int warmup_batches = trial::kDefaultWarmupBatches;  ///< --warmup-batches
  knobs::KnobSettings knobs;                          ///< --cpu-max-freq, --gpu-power-limit, --gpu-clocks
};

/// Adds the backend (one model, synthetic allowed), meter, --images and --warmup-batches flags.
void add_live_trial_flags(CLI::App& cmd, LiveTrialFlags& flags);

/// The trial settings the flags give (backend, seed, images, warm-up, idle baseline); the caller
/// fills the workload (policy, arrival, length, SLO, queue). Throws UsageError unless exactly one
/// model is named, InputError for an unknown one.
trial::TrialSettings live_settings(const LiveTrialFlags& flags);

/// Runs one trial through the trial builder with the flags' meters (progress and meter faults on
/// stderr). `on_loaded` is called with the loaded backend's description before it runs.
trial::TrialRecord run_live(const LiveTrialFlags& flags, const trial::TrialSettings& settings,
                            const std::function<void(const engine::BackendInfo&)>& on_loaded = {});

/// Throws Error when the backend failed mid-trial (status backend_failed); call it after printing
/// what the trial gathered.
void check_backend_ok(const trial::TrialRecord& record);

}  // namespace greenbatch::cli
