// The one trial builder: resolve, load, warm up, baseline, run, record.
#include "greenbatch/trial/trial_builder.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "greenbatch/core/error.h"
#include "greenbatch/core/json_optional.h"
#include "greenbatch/core/stamp.h"
#include "greenbatch/energy/baseline.h"
#include "greenbatch/knobs/applied_knobs.h"
#include "greenbatch/trial/environment.h"
#include "greenbatch/trial/live_trial.h"
#include "greenbatch/trial/remote_trial.h"
#include "greenbatch/workload/arrival.h"

namespace greenbatch::trial {
namespace {

std::optional<std::string> optional_path(const std::optional<std::filesystem::path>& path) {
  return path ? std::optional(path->string()) : std::nullopt;
}

std::string device_text(const engine::DeviceSpec& device) {
  return device.cuda ? fmt::format("cuda:{}", device.index) : "cpu";
}

// The key a loaded backend is cached under: its target and every load option.
std::string load_key(const engine::BackendSpec& b) {
  return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}", b.target(), optional_path(b.weights).value_or(""),
                     b.resize.value_or(0), b.crop.value_or(0), device_text(b.device), b.threads, b.seed, b.optimize,
                     engine::to_string(b.precision));
}

}  // namespace

std::int64_t default_queue_capacity(std::size_t policy_max_batch) {
  return std::max<std::int64_t>(kMinDefaultQueueCapacity, static_cast<std::int64_t>(policy_max_batch));
}

std::string settings_json(const TrialSettings& s) {
  const auto& b = s.backend;
  nlohmann::ordered_json json = {
      {"model", s.remote ? s.remote->model : b.target()},
      {"weights", json_or_null(optional_path(b.weights))},
      {"resize", json_or_null(b.resize)},
      {"crop", json_or_null(b.crop)},
      {"device", device_text(b.device)},
      {"threads", b.threads},
      {"optimize", b.optimize},
      {"precision", engine::to_string(b.precision)},
      {"policy", s.policy},
      {"arrival", s.arrival},
      {"requests", json_or_null(s.requests)},
      {"duration_s", json_or_null(s.duration_s)},
      {"seed", s.seed},
      {"slo_ms", json_or_null(s.slo_ms)},
      {"queue_capacity", json_or_null(s.queue_capacity)},
      {"images", s.images.string()},
      {"warmup_batches", s.warmup_batches},
      {"idle_seconds", s.idle_seconds},
      {"cpu_max_freq_khz", json_or_null(s.knobs.cpu_max_freq_khz)},
      {"gpu_power_limit_w", json_or_null(s.knobs.gpu_power_limit_w)},
      {"gpu_clocks_mhz", json_or_null(s.knobs.gpu_clocks_mhz)},
  };
  if (const auto& r = s.remote) {
    json["target"] = r->endpoint.url();
    json["remote_model"] = r->model;
    json["payload"] = remote::to_string(r->payload);
    json["max_in_flight"] = r->max_in_flight;
    json["request_timeout_ms"] = r->request_timeout_ms;
    json["server_policy"] = r->server_policy;
  }
  return json.dump();
}

ResolvedWorkload resolve_workload(const TrialSettings& settings) {
  if (settings.requests.has_value() == settings.duration_s.has_value()) {
    throw UsageError("give exactly one of --requests N or --duration SECONDS (in a study: requests or duration_s)");
  }
  ResolvedWorkload w;
  const auto arrival = workload::make_arrival(settings.arrival, settings.seed);
  w.arrival = arrival->spec();
  if (settings.remote) {
    remote::check_spec(*settings.remote);
    w.queue_capacity = static_cast<std::int64_t>(settings.remote->max_in_flight);
    w.schedule = workload::arrival_schedule(*arrival, settings.requests, settings.duration_s);
    if (w.schedule.empty()) throw UsageError(fmt::format("arrival {} schedules no request in the trial", w.arrival));
    return w;
  }
  w.policy = batching::make_policy(settings.policy);
  const auto batch = static_cast<std::int64_t>(w.policy->max_batch());
  w.queue_capacity = settings.queue_capacity.value_or(default_queue_capacity(w.policy->max_batch()));
  if (w.queue_capacity < batch) {
    throw UsageError(
        fmt::format("--queue-capacity {} is below the policy's batch size {} ({}), so a full batch "
                    "could never form; raise --queue-capacity (queue_capacity in a study file)",
                    w.queue_capacity, batch, w.policy->spec()));
  }
  w.schedule = workload::arrival_schedule(*arrival, settings.requests, settings.duration_s);
  if (w.schedule.empty()) throw UsageError(fmt::format("arrival {} schedules no request in the trial", w.arrival));
  return w;
}

/// A loaded backend, warmed up, with the payload its requests carry.
struct TrialBuilder::Loaded {
  std::unique_ptr<engine::Backend> backend;
  Payload payload;
  std::set<int> warm_sizes;  // batch sizes warmed up so far
};

TrialBuilder::TrialBuilder(energy::Sampler& sampler, std::function<void(const std::string&)> log)
    : sampler_(sampler), log_(std::move(log)) {}

TrialBuilder::~TrialBuilder() = default;

TrialBuilder::Loaded& TrialBuilder::load(const TrialSettings& settings) {
  auto& slot = loaded_[load_key(settings.backend) + "|" + settings.images.string()];
  if (!slot) {
    auto loaded = std::make_unique<Loaded>();
    // The payload first: a bad image folder fails before a model loads.
    loaded->payload = !settings.images.empty()          ? load_image_folder(settings.images)
                      : settings.backend.is_synthetic() ? Payload{{}, "none"}
                                                        : generated_images(kGeneratedImages, settings.backend.seed);
    if (log_) log_(fmt::format("loading {} ...", settings.backend.target()));
    loaded->backend = engine::make_backend(settings.backend);
    slot = std::move(loaded);
  }
  return *slot;
}

/// A remote server, probed, with the request bodies its trials send.
struct TrialBuilder::Remote {
  remote::ServedModel model;
  std::vector<remote::EncodedBody> bodies;
  std::string payload_label;  // "tensor", "generated" or the image folder
};

namespace {

// The environment's "backend" of a remote trial: the server, as its metadata names itself.
engine::BackendInfo remote_backend_info(const remote::RemoteSpec& spec, const remote::ServedModel& served) {
  return {"remote", spec.model, "server", 0, served.server, "", "server"};
}

}  // namespace

TrialBuilder::Remote& TrialBuilder::connect(const TrialSettings& settings) {
  const auto& spec = *settings.remote;
  auto& slot = remotes_[fmt::format("{}|{}|{}|{}", spec.endpoint.url(), spec.model, remote::to_string(spec.payload),
                                    settings.images.string())];
  if (!slot) {
    auto r = std::make_unique<Remote>();
    Payload payload{{}, "tensor"};
    if (spec.payload == remote::PayloadKind::image) {
      payload = settings.images.empty() ? generated_images(kGeneratedImages, settings.seed)
                                        : load_image_folder(settings.images);
    }
    if (log_) log_(fmt::format("checking {} (model {}) ...", spec.endpoint.url(), spec.model));
    r->model = remote::probe_server(spec);
    r->bodies = remote_bodies(spec, r->model, payload);
    r->payload_label = payload.label;
    slot = std::move(r);
  }
  return *slot;
}

TrialRecord TrialBuilder::run_remote(const TrialSettings& settings, const ResolvedWorkload& workload) {
  const auto& spec = *settings.remote;
  auto& server = connect(settings);
  // This machine's knobs, held for the trial and restored on every way out (they reach the server
  // when it runs here).
  const knobs::AppliedKnobs knobs(settings.knobs, knobs::KnobOptions::from_environment());
  for (const auto& line : knobs.applied()) {
    if (log_) log_(fmt::format("set {}", line));
  }
  if (log_ && settings.idle_seconds > 0)
    log_(fmt::format("measuring idle power for {:g} s ...", settings.idle_seconds));
  RemoteTrialOptions options{.schedule = workload.schedule,
                             .slo_ms = settings.slo_ms,
                             .sampler = &sampler_,
                             .idle = energy::measure_idle(sampler_, settings.idle_seconds)};
  const auto policy = !spec.server_policy.empty() ? spec.server_policy : server.model.policy.value_or("unknown");
  const TrialConfig config{.model = spec.model,
                           .backend = "remote",
                           .device = "server",
                           .threads = 0,
                           .weights = "server",
                           .policy = policy,
                           .arrival = workload.arrival,
                           .requests = settings.requests,
                           .duration_s = settings.duration_s,
                           .seed = settings.seed,
                           .slo_ms = settings.slo_ms,
                           .queue_capacity = workload.queue_capacity,
                           .images = server.payload_label,
                           .meter = sampler_.meter_names(),
                           .idle_seconds = settings.idle_seconds,
                           .target = spec.endpoint.url()};
  if (log_)
    log_(fmt::format("sending {} requests to {}: {} (server policy: {}) ...", workload.schedule.size(),
                     config.target.value_or(""), config.arrival, policy));
  const auto started_at = utc_now_iso();
  auto record = run_remote_trial(spec, server.bodies, options);
  if (config.meter.find("estimate") != std::string::npos) {
    record.remote->energy_scope =
        "this machine's meters, the estimate covering only the client process (it models this process's CPU "
        "share): never the server";
  }
  record.config = config;
  record.requested_json = settings_json(settings);
  record.started_at = started_at;
  record.trial_id = short_hash(config_json(config) + started_at);
  record.environment_json = environment_json(remote_backend_info(spec, server.model), sampler_);
  return record;
}

engine::BackendInfo TrialBuilder::prepare(const TrialSettings& settings) {
  const auto workload = resolve_workload(settings);
  if (settings.remote) return remote_backend_info(*settings.remote, connect(settings).model);
  warm_up(settings, workload.policy->max_batch());
  return load(settings).backend->info();
}

bool TrialBuilder::warm_up(const TrialSettings& settings, std::size_t policy_max_batch) {
  auto& loaded = load(settings);
  const auto largest = static_cast<int>(std::min(policy_max_batch, kWarmupBatchCap));
  bool warmed = false;
  for (const int size : {1, largest}) {
    if (!loaded.warm_sizes.insert(size).second) continue;
    if (log_) log_(fmt::format("warming up {} at batch size {} ...", settings.backend.target(), size));
    try {
      loaded.backend->warm_up(size, settings.warmup_batches);
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      // A model that loads but cannot run (a TorchScript module expecting another input) is the
      // user's model to fix, not a bug of ours.
      throw InputError(
          fmt::format("{} failed when run at batch size {} during warm-up: {}; check that the model "
                      "takes a batch of {}x{} RGB images (--crop, --resize)",
                      settings.backend.target(), size, e.what(), loaded.backend->input_shape().height,
                      loaded.backend->input_shape().width));
    }
    warmed = size == largest;
  }
  return warmed;
}

TrialRecord TrialBuilder::run(const TrialSettings& settings) {
  const auto workload = resolve_workload(settings);
  if (settings.remote) return run_remote(settings, workload);
  auto& loaded = load(settings);
  // The knobs hold from the warm-up (so caches and clocks settle at them) to the record, and are
  // restored on every way out.
  const knobs::AppliedKnobs knobs(settings.knobs, knobs::KnobOptions::from_environment());
  for (const auto& line : knobs.applied()) {
    if (log_) log_(fmt::format("set {}", line));
  }
  // Every trial starts right after batches of its largest size: a first trial after the load's
  // warm-up, a later one after a fresh round (caches warm for this trial, not the previous one).
  if (!warm_up(settings, workload.policy->max_batch())) {
    loaded.backend->warm_up(static_cast<int>(std::min(workload.policy->max_batch(), kWarmupBatchCap)),
                            settings.warmup_batches);
  }
  const auto info = loaded.backend->info();
  if (log_ && settings.idle_seconds > 0)
    log_(fmt::format("measuring idle power for {:g} s ...", settings.idle_seconds));
  LiveTrialOptions options{.schedule = workload.schedule,
                           .queue_capacity = static_cast<std::size_t>(workload.queue_capacity),
                           .slo_ms = settings.slo_ms,
                           .payload = loaded.payload,
                           .sampler = &sampler_,
                           .idle = energy::measure_idle(sampler_, settings.idle_seconds),
                           .estimate = settings.estimate,
                           .dispatch_reasons = settings.dispatch_reasons};
  const TrialConfig config{.model = info.model,
                           .backend = info.kind,
                           .device = info.device,
                           .threads = info.threads,
                           .weights = info.weights,
                           .policy = workload.policy->spec(),
                           .arrival = workload.arrival,
                           .requests = settings.requests,
                           .duration_s = settings.duration_s,
                           .seed = settings.seed,
                           .slo_ms = settings.slo_ms,
                           .queue_capacity = workload.queue_capacity,
                           .images = loaded.payload.label,
                           .meter = sampler_.meter_names(),
                           .idle_seconds = settings.idle_seconds};
  if (log_)
    log_(fmt::format("running {} requests: {} with {} ...", workload.schedule.size(), config.arrival, config.policy));
  const auto started_at = utc_now_iso();
  auto record = run_live_trial(*loaded.backend, *workload.policy, options);
  record.config = config;
  record.requested_json = settings_json(settings);
  record.started_at = started_at;
  record.trial_id = short_hash(config_json(config) + started_at);
  record.environment_json = environment_json(info, sampler_);
  const auto& s = record.summary;
  if (log_ && s.dynamic_energy_j && *s.dynamic_energy_j < 0 && s.idle_power_w && s.avg_power_w) {
    // Seen on a GPU that was still leaving a busy power state while its idle power was measured.
    log_(
        fmt::format("energy: the idle baseline ({:.1f} W) is above this trial's average power ({:.1f} W), so its "
                    "dynamic energy is negative: the device was still settling when idle was measured. The total "
                    "is unaffected; for the split, lengthen --idle-seconds or pause before the trial",
                    *s.idle_power_w, *s.avg_power_w));
  }
  return record;
}

}  // namespace greenbatch::trial
