#pragma once
/// The one way to build a live trial, used by `run`, `study` and `recommend --verify`:
/// resolve → load backend and payload → warm up → idle baseline → run → record. The requested
/// settings and the resolved configuration are both kept on the record (as MLPerf LoadGen keeps
/// TestSettings and TestSettingsInternal).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "greenbatch/batching/policy.h"
#include "greenbatch/energy/sampler.h"
#include "greenbatch/engine/backend_spec.h"
#include "greenbatch/knobs/knob_settings.h"
#include "greenbatch/remote/server_probe.h"
#include "greenbatch/remote/target.h"
#include "greenbatch/trial/payload.h"
#include "greenbatch/trial/trial_record.h"

namespace greenbatch::trial {

/// Uncounted warm-up batches at each warm-up size, unless the settings say otherwise.
inline constexpr int kDefaultWarmupBatches = 2;
/// Warm-up runs at batch sizes 1 and min(the policy's largest batch, this).
inline constexpr std::size_t kWarmupBatchCap = 32;
/// Images generated when no --images folder is given (request i carries image i mod this).
inline constexpr int kGeneratedImages = 32;
/// The smallest default queue bound.
inline constexpr std::int64_t kMinDefaultQueueCapacity = 1024;
/// The queue bound when none is given: max(1024, the policy's largest batch).
std::int64_t default_queue_capacity(std::size_t policy_max_batch);

/// What a trial is asked to run: the requested settings, before defaults and loading.
struct TrialSettings {
  engine::BackendSpec backend;                 ///< the model and how it is loaded
  std::string policy;                          ///< policy spec
  std::string arrival;                         ///< arrival spec
  std::optional<std::int64_t> requests;        ///< schedule length as a count, or
  std::optional<double> duration_s;            ///< as a horizon (exactly one of the two)
  std::uint64_t seed = 1;                      ///< arrivals, generated images, random weights
  std::optional<double> slo_ms;                ///< for slo_attainment
  std::optional<std::int64_t> queue_capacity;  ///< null: default_queue_capacity()
  std::filesystem::path images;                ///< a folder; empty: generated (none for synthetic)
  int warmup_batches = kDefaultWarmupBatches;  ///< at sizes 1 and the policy's largest (≤ 32)
  double idle_seconds = 2.0;                   ///< idle baseline before the trial (0: none)
  batching::ServiceEstimate estimate;          ///< service times the policy knows before the trial
                                               ///< (caller-seeded, e.g. from a profile; not in settings_json)
  std::vector<batching::DispatchReason>* dispatch_reasons =
      nullptr;                               ///< when set: why each batch
                                             ///< was dispatched, in batch order (the decision trace)
  knobs::KnobSettings knobs;                 ///< set from the trial's warm-up to its end, then restored
  std::optional<remote::RemoteSpec> remote;  ///< set: send the load to this server instead (backend, policy,
                                             ///< queue and warm-up are the server's; images still apply)
};

/// The settings as JSON text (what was asked; stored beside the resolved configuration).
std::string settings_json(const TrialSettings& settings);

/// The settings resolved without loading anything: policy, arrival schedule, queue bound.
struct ResolvedWorkload {
  std::unique_ptr<batching::Policy> policy;  ///< from the policy spec (null for a remote trial: the server batches)
  std::string arrival;                       ///< the normalised arrival spec
  std::vector<double> schedule;              ///< arrival times, s from the start (non-empty)
  std::int64_t queue_capacity = 0;           ///< the bound in force (remote: the client's max in flight)
};

/// Checks and resolves the workload part of `settings` (specs, exactly one of requests/duration,
/// a queue that holds a full batch, a non-empty schedule). Throws UsageError naming the setting.
/// Call it before touching a database or loading a model.
ResolvedWorkload resolve_workload(const TrialSettings& settings);

/// Builds and runs live trials. Loads each backend once (keyed by its target and load options)
/// and each payload once; one builder serves a whole study. Not thread-safe: one trial at a time.
class TrialBuilder {
 public:
  /// Measures with `sampler` (started, owned by the caller; outlives the builder). `log` receives
  /// progress lines ("warming up ..."); it may be empty.
  TrialBuilder(energy::Sampler& sampler, std::function<void(const std::string&)> log = {});
  ~TrialBuilder();
  TrialBuilder(const TrialBuilder&) = delete;
  TrialBuilder& operator=(const TrialBuilder&) = delete;

  /// Loads (once) and warms up the backend of `settings`, and loads its payload, without running:
  /// so that load errors surface early. Returns the backend's description.
  engine::BackendInfo prepare(const TrialSettings& settings);
  /// Runs one trial: resolve, load/warm up, idle baseline, run, and fill the record's
  /// configuration, requested settings, start time, id and environment. A backend failure
  /// mid-trial is a status on the record, not an exception.
  TrialRecord run(const TrialSettings& settings);

 private:
  struct Loaded;
  Loaded& load(const TrialSettings& settings);
  struct Remote;
  Remote& connect(const TrialSettings& settings);
  TrialRecord run_remote(const TrialSettings& settings, const ResolvedWorkload& workload);
  // Warms up at sizes 1 and min(policy_max_batch, 32) unless done before; true when the larger
  // size was warmed now.
  bool warm_up(const TrialSettings& settings, std::size_t policy_max_batch);

  energy::Sampler& sampler_;
  std::function<void(const std::string&)> log_;
  std::map<std::string, std::unique_ptr<Loaded>> loaded_;   // by load key
  std::map<std::string, std::unique_ptr<Remote>> remotes_;  // by URL, model, payload and images
};

}  // namespace greenbatch::trial
