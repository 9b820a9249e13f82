#pragma once
/// A remote trial: the open-loop client sends the schedule to an Open Inference Protocol server
/// while this machine's meters measure; the result is the same TrialRecord as an in-process trial,
/// plus what the client saw of each request and the server's own figures.

#include <optional>
#include <vector>

#include "greenbatch/energy/baseline.h"
#include "greenbatch/energy/sampler.h"
#include "greenbatch/remote/open_loop_client.h"
#include "greenbatch/remote/server_probe.h"
#include "greenbatch/remote/target.h"
#include "greenbatch/trial/payload.h"
#include "greenbatch/trial/trial_record.h"

namespace greenbatch::trial {

/// The request bodies for `spec`'s payload: one per image of `payload` (BYTES, binary-tensor
/// extension) or one FP32 tensor of the model's input shape; every request asks for binary output.
std::vector<remote::EncodedBody> remote_bodies(const remote::RemoteSpec& spec, const remote::ServedModel& model,
                                               const Payload& payload);

/// How to run one remote trial.
struct RemoteTrialOptions {
  std::vector<double> schedule;        ///< send times, s from the start, non-decreasing
  std::optional<double> slo_ms;        ///< for slo_attainment
  energy::Sampler* sampler = nullptr;  ///< running sampler, or null for no energy
  energy::IdleBaseline idle;           ///< measured before the trial (may be empty)
};

/// Runs the trial and builds its record: per request, arrival is the scheduled time (response
/// times run from it, so late sends show as slower responses), completion the answer's time,
/// start the completion less the server's service_ms (the send time when it reports none);
/// batches are rebuilt from the server's batch_id/batch_size when it reports them; the producer's
/// lateness columns hold the send lateness. The status is server_failed when a connection was
/// refused or reset or nothing was served, requests_failed for other faults; `record.config` and
/// the requested settings are left for the caller.
TrialRecord run_remote_trial(const remote::RemoteSpec& spec, const std::vector<remote::EncodedBody>& bodies,
                             const RemoteTrialOptions& options);

/// Builds the record from the client's requests (what run_remote_trial does after sending):
/// requests, batches, summary, faults and status. `window` is this machine's energy window.
TrialRecord remote_record(std::vector<remote::RemoteRequest> sent, const energy::EnergyWindow& window,
                          const energy::IdleBaseline& idle, std::optional<double> slo_ms);

}  // namespace greenbatch::trial
