// One live trial from the command line, shared by run and recommend --verify.
#include "live_trial_runner.h"

#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <algorithm>

#include "greenbatch/core/error.h"
#include "greenbatch/trial/environment.h"
#include "greenbatch/trial/live_trial.h"

namespace greenbatch::cli {

void add_live_trial_flags(CLI::App& cmd, LiveTrialFlags& flags) {
  add_backend_flags(cmd, flags.backend, /*several_models=*/false, /*synthetic=*/true);
  add_meter_flags(cmd, flags.meter);
  cmd.add_option("--images", flags.images,
                 "folder of JPEG/PNG images the requests carry (default: generated images; none for synthetic)");
  cmd.add_option("--warmup-batches", flags.warmup_batches, "uncounted batches at sizes 1 and the policy's maximum")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
}

std::string live_trial_target(const LiveTrialFlags& flags) {
  const auto targets = backend_targets(flags.backend);
  if (targets.size() != 1) throw UsageError("a live trial takes one model; use a study for several");
  return targets.front();
}

LiveSetup load_live_setup(const LiveTrialFlags& flags) {
  LiveSetup setup;
  setup.target = live_trial_target(flags);
  setup.payload = !flags.images.empty()          ? trial::load_image_folder(flags.images)
                  : !flags.backend.synthetic.empty() ? trial::Payload{{}, "none"}
                                                     : trial::generated_images(32, flags.backend.seed);
  setup.backend = make_backend(flags.backend, setup.target);
  return setup;
}

trial::TrialRecord run_live(LiveSetup& setup, const LiveTrialFlags& flags, const LiveWorkload& workload) {
  auto& backend = *setup.backend;
  const auto warm_size = static_cast<int>(std::min<std::size_t>(workload.policy.max_batch(), 32));
  fmt::print(stderr, "warming up {} at batch sizes 1 and {} ...\n", setup.target, warm_size);
  backend.warm_up(1, flags.warmup_batches);
  backend.warm_up(warm_size, flags.warmup_batches);
  const auto sampler = start_sampler(flags.meter);
  trial::LiveTrialOptions options{.schedule = workload.schedule,
                                  .queue_capacity = static_cast<std::size_t>(workload.queue_capacity),
                                  .slo_ms = workload.slo_ms,
                                  .payload = std::move(setup.payload),
                                  .sampler = sampler.get(),
                                  .idle = measure_idle_baseline(flags.meter, *sampler)};

  const auto info = backend.info();
  const trial::TrialConfig config{.model = info.model,
                                  .backend = info.kind,
                                  .device = info.device,
                                  .threads = info.threads,
                                  .weights = info.weights,
                                  .policy = workload.policy.spec(),
                                  .arrival = workload.arrival,
                                  .requests = workload.requests,
                                  .duration_s = workload.duration_s,
                                  .seed = flags.backend.seed,
                                  .slo_ms = workload.slo_ms,
                                  .queue_capacity = workload.queue_capacity,
                                  .images = options.payload.label,
                                  .meter = sampler->meter_names(),
                                  .idle_seconds = flags.meter.idle_seconds};
  const auto started_at = trial::utc_now_iso();
  fmt::print(stderr, "running {} requests: {} with {} ...\n", workload.schedule.size(), config.arrival, config.policy);
  auto record = trial::run_live_trial(backend, workload.policy, options);
  record.config = config;
  record.started_at = started_at;
  record.trial_id = trial::short_hash(trial::config_json(config) + started_at);
  record.environment_json = trial::environment_json(info, *sampler);
  for (const auto& fault : sampler->faults()) fmt::print(stderr, "energy: {}\n", fault);
  return record;
}

void check_backend_ok(const trial::TrialRecord& record) {
  if (record.status == "backend_failed") {
    throw Error(fmt::format("the backend failed mid-trial: {}", record.status_detail));
  }
}

}  // namespace greenbatch::cli
