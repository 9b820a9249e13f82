#pragma once
/// A live trial on real threads: a producer releases requests at their scheduled times into the
/// bounded queue, the runtime worker asks the policy and runs batches on the backend, the sampler
/// measures the energy of the whole window.

#include <optional>
#include <vector>

#include "greenbatch/batching/policy.h"
#include "greenbatch/energy/baseline.h"
#include "greenbatch/energy/sampler.h"
#include "greenbatch/engine/backend.h"
#include "greenbatch/trial/payload.h"
#include "greenbatch/trial/trial_record.h"

namespace greenbatch::trial {

/// How to run one trial.
struct LiveTrialOptions {
  std::vector<double> schedule;        ///< arrival times, s from the start, non-decreasing
  std::size_t queue_capacity = 1024;   ///< bound of the request queue (>= the policy's max batch)
  std::optional<double> slo_ms;        ///< for slo_attainment
  Payload payload;                     ///< what requests carry
  energy::Sampler* sampler = nullptr;  ///< running sampler, or null for no energy
  energy::IdleBaseline idle;           ///< measured before the trial (may be empty)
  batching::ServiceEstimate estimate;  ///< service times known before the trial (e.g. seeded from a
                                       ///< profile); the trial's own batches are added to a copy
  std::vector<batching::DispatchReason>* dispatch_reasons =
      nullptr;  ///< when set: why each batch
                ///< was dispatched, in batch order (the decision trace)
};

/// Runs the trial on the calling thread (the worker) plus one producer thread, and returns every
/// request, batch, the power trace and the summary. The producer never shifts the schedule when
/// it falls behind: it records the lateness (no coordinated omission). A backend that throws ends
/// the trial early with status "backend_failed"; a meter that fails gives "meter_failed"; the data
/// gathered so far is kept either way. `record.config` is left for the caller to fill.
TrialRecord run_live_trial(engine::Backend& backend, const batching::Policy& policy, const LiveTrialOptions& options);

}  // namespace greenbatch::trial
