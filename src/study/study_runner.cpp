// The study runner: resume, models loaded once, baseline and rest, one stored trial at a time.
#include "greenbatch/study/study_runner.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "greenbatch/batching/policy.h"
#include "greenbatch/energy/meter_registry.h"
#include "greenbatch/engine/synthetic_backend.h"
#include "greenbatch/engine/torch_backend.h"
#include "greenbatch/trial/environment.h"
#include "greenbatch/trial/live_trial.h"
#include "greenbatch/workload/arrival.h"

namespace greenbatch::study {
namespace {

using Clock = std::chrono::steady_clock;

bool is_synthetic(const std::string& model) { return model.starts_with("synthetic:"); }

std::unique_ptr<engine::Backend> load_backend(const StudyConfig& config, const std::string& model) {
  if (is_synthetic(model)) return engine::make_synthetic_backend(engine::parse_synthetic_spec(model.substr(10)));
  engine::TorchOptions options;
  if (model.ends_with(".pt") || model.ends_with(".pth") || model.find('/') != std::string::npos) {
    options.model_file = model;
  } else {
    options.zoo_model = model;
  }
  options.seed = config.seed;
  options.device = engine::parse_device(config.device);
  options.threads = config.threads;
  return engine::make_torch_backend(options);
}

// The largest batch any policy of the study dispatches, capped for warm-up.
int warm_up_size(const StudyConfig& config) {
  std::size_t largest = 1;
  for (const auto& spec : config.policies) largest = std::max(largest, batching::make_policy(spec)->max_batch());
  return static_cast<int>(std::min<std::size_t>(largest, 32));
}

// Loads each model once, on first use, warmed up at batch sizes 1 and the largest one.
class BackendCache {
 public:
  BackendCache(const StudyConfig& config, StudyObserver& observer) : config_(config), observer_(observer) {}
  engine::Backend& get(const std::string& model) {
    auto& slot = backends_[model];
    if (!slot) {
      observer_.on_model_load(model);
      slot = load_backend(config_, model);
      slot->warm_up(1, config_.warmup_batches);
      slot->warm_up(warm_up_size(config_), config_.warmup_batches);
    }
    return *slot;
  }

 private:
  const StudyConfig& config_;
  StudyObserver& observer_;
  std::map<std::string, std::unique_ptr<engine::Backend>> backends_;
};

trial::Payload payload_for(const StudyConfig& config, const std::string& model, std::uint64_t seed) {
  if (!config.images.empty()) return trial::load_image_folder(config.images);
  if (is_synthetic(model)) return trial::Payload{{}, "none"};
  return trial::generated_images(32, seed);
}

}  // namespace

StudyOutcome run_study(const StudyConfig& config, store::ResultStore& store, bool force, StudyObserver& observer,
                       const std::optional<Shard>& shard) {
  StudyOutcome outcome{study_id(config), 0, 0, 0, 0};
  const auto plan = shard ? select_shard(expand_design(config), *shard) : expand_design(config);
  outcome.planned = plan.size();
  store.register_study({outcome.study_id, config.name, canonical_json(config), trial::utc_now_iso()}, force);
  const auto stored = store.completed_trial_ids(outcome.study_id);
  const std::set<std::string> done(stored.begin(), stored.end());
  std::vector<PlannedTrial> to_run;
  std::ranges::copy_if(plan, std::back_inserter(to_run), [&](const PlannedTrial& t) { return !done.contains(t.trial_id); });
  outcome.already_done = plan.size() - to_run.size();
  observer.on_study_start(plan, outcome.already_done);
  if (to_run.empty()) return outcome;

  energy::Sampler sampler(energy::open_meters(config.meter, energy::MeterOptions::from_environment()));
  sampler.start();
  BackendCache backends(config, observer);
  const store::SaveOptions save{config.keep_requests, config.keep_batches, config.keep_power_trace};

  for (std::size_t i = 0; i < to_run.size(); ++i) {
    const auto& planned = to_run[i];
    const auto started = Clock::now();
    observer.on_trial_start(planned, i, to_run.size());
    auto& backend = backends.get(planned.model);
    const auto policy = batching::make_policy(planned.policy);
    backend.warm_up(static_cast<int>(std::min<std::size_t>(policy->max_batch(), 32)), config.warmup_batches);
    if (i > 0) std::this_thread::sleep_for(std::chrono::duration<double>(config.rest_seconds));

    auto arrival = workload::make_arrival(planned.arrival, planned.seed);
    trial::LiveTrialOptions options{workload::arrival_schedule(*arrival, config.requests, config.duration_s),
                                    static_cast<std::size_t>(config.queue_capacity), config.slo_ms,
                                    payload_for(config, planned.model, planned.seed), &sampler,
                                    energy::measure_idle(sampler, config.idle_seconds)};
    const auto info = backend.info();
    trial::TrialConfig trial_config{info.model, info.kind, info.device, info.threads, info.weights, policy->spec(),
                                    arrival->spec(), config.requests, config.duration_s, planned.seed, config.slo_ms,
                                    config.queue_capacity, options.payload.label, sampler.meter_names(),
                                    config.idle_seconds};
    const auto started_at = trial::utc_now_iso();
    auto record = trial::run_live_trial(backend, *policy, options);
    record.config = std::move(trial_config);
    record.trial_id = planned.trial_id;
    record.started_at = started_at;
    record.environment_json = trial::environment_json(info, sampler);
    record.study_id = outcome.study_id;
    record.repetition = planned.repetition;
    record.position = planned.position;
    store.save_trial(record, save);
    sampler.discard_trace_before(sampler.mark().time_s);
    ++outcome.ran;
    if (record.status != "ok") ++outcome.failed;
    observer.on_trial_end(planned, record, std::chrono::duration<double>(Clock::now() - started).count());
  }
  return outcome;
}

}  // namespace greenbatch::study
