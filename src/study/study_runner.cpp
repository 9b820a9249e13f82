// The study runner: resume, models loaded once, baseline and rest, one stored trial at a time.
#include "greenbatch/study/study_runner.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "greenbatch/core/error.h"
#include "greenbatch/core/stamp.h"
#include "greenbatch/energy/meter_registry.h"
#include "greenbatch/knobs/applied_knobs.h"
#include "greenbatch/trial/trial_builder.h"

namespace greenbatch::study {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

trial::TrialSettings trial_settings(const StudyConfig& config, const PlannedTrial& planned) {
  trial::TrialSettings settings;
  if (!planned.target.empty()) {
    settings.remote = remote::RemoteSpec{.endpoint = remote::parse_endpoint(planned.target),
                                         .model = planned.model,
                                         .payload = remote::parse_payload(config.payload),
                                         .max_in_flight = static_cast<std::size_t>(config.max_in_flight),
                                         .request_timeout_ms = config.request_timeout_ms,
                                         .server_policy = planned.policy};
  } else {
    settings.backend = engine::BackendSpec::parse_target(planned.model);
  }
  if (const auto w = config.weights.find(planned.model); w != config.weights.end())
    settings.backend.weights = w->second;
  settings.backend.resize = config.resize;
  settings.backend.crop = config.crop;
  settings.backend.device = engine::parse_device(config.device);
  settings.backend.threads = planned.threads;
  settings.backend.seed = config.seed;
  settings.backend.optimize = config.optimize;
  settings.backend.precision = planned.precision;
  settings.policy = planned.policy;
  settings.arrival = planned.arrival;
  settings.requests = config.requests;
  settings.duration_s = config.duration_s;
  settings.seed = planned.seed;
  settings.slo_ms = config.slo_ms;
  settings.queue_capacity = config.queue_capacity;
  settings.images = config.images;
  settings.warmup_batches = config.warmup_batches;
  settings.idle_seconds = config.idle_seconds;
  settings.knobs.cpu_max_freq_khz = planned.cpu_max_freq_khz;
  settings.knobs.gpu_power_limit_w = planned.gpu_power_limit_w;
  return settings;
}

namespace {

// check_precision of one planned model, its error naming the study file.
void check_model_precision(const engine::BackendSpec& spec, const StudyConfig& config) {
  try {
    engine::check_precision(spec);
  } catch (const UnsupportedError& e) {
    throw UnsupportedError(fmt::format("precisions and models in {}: {}", config.file.string(), e.what()));
  }
}

}  // namespace

StudyOutcome run_study(const StudyConfig& config, store::ResultStore& store, bool force, StudyObserver& observer,
                       const std::optional<Shard>& shard) {
  StudyOutcome outcome{study_id(config), 0, 0, 0, 0};
  const auto plan = shard ? select_shard(expand_design(config), *shard) : expand_design(config);
  outcome.planned = plan.size();
  // Everything that can fail on this machine is checked before the study is registered, so a
  // corrected file is not refused as "another study": meters, device, image folder, precisions.
  energy::Sampler sampler(energy::open_meters(config.meter, energy::MeterOptions::from_environment()));
  if (engine::parse_device(config.device).cuda && !engine::torch_has_cuda()) {
    throw UnsupportedError(
        fmt::format("device = \"{}\" in {}: this greenbatch's LibTorch has no CUDA; use device = "
                    "\"cpu\" or build against a CUDA LibTorch (README)",
                    config.device, config.file.string()));
  }
  if (!config.images.empty()) (void)trial::load_image_folder(config.images);
  for (const auto& planned : plan) {
    if (planned.target.empty()) check_model_precision(trial_settings(config, planned).backend, config);
  }
  const auto knob_options = knobs::KnobOptions::from_environment();
  for (const auto khz : config.cpu_max_freqs) knobs::check_knobs({.cpu_max_freq_khz = khz}, knob_options);
  for (const auto watts : config.gpu_power_limits) knobs::check_knobs({.gpu_power_limit_w = watts}, knob_options);
  store.register_study({outcome.study_id, config.name, canonical_json(config), utc_now_iso()}, force);
  const auto stored = store.completed_trial_ids(outcome.study_id);
  const std::set<std::string> done(stored.begin(), stored.end());
  std::vector<PlannedTrial> to_run;
  std::ranges::copy_if(plan, std::back_inserter(to_run),
                       [&](const PlannedTrial& t) { return !done.contains(t.trial_id); });
  outcome.already_done = plan.size() - to_run.size();
  observer.on_study_start(plan, outcome.already_done);
  if (to_run.empty()) return outcome;

  sampler.start();
  trial::TrialBuilder builder(sampler, [&](const std::string& line) { observer.on_log(line); });
  const store::SaveOptions save{config.keep_requests, config.keep_batches, config.keep_power_trace, true};

  for (std::size_t i = 0; i < to_run.size(); ++i) {
    const auto& planned = to_run[i];
    const auto started = Clock::now();
    observer.on_trial_start(planned, i, to_run.size());
    const auto settings = trial_settings(config, planned);
    builder.prepare(settings);
    if (i > 0) std::this_thread::sleep_for(std::chrono::duration<double>(config.rest_seconds));
    auto record = builder.run(settings);
    record.trial_id = planned.trial_id;
    record.study_id = outcome.study_id;
    record.repetition = planned.repetition;
    record.position = planned.position;
    store.save_trial(record, save);
    sampler.discard_trace_before(sampler.mark().time_s);
    ++outcome.ran;
    if (record.status != trial::TrialStatus::ok) ++outcome.failed;
    observer.on_trial_end(planned, record, std::chrono::duration<double>(Clock::now() - started).count());
  }
  return outcome;
}

}  // namespace greenbatch::study
