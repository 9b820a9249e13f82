// `greenbatch run`: one live trial (arrivals, queue, policy, backend, energy), printed and stored.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "backend_flags.h"
#include "commands.h"
#include "greenbatch/core/error.h"
#include "greenbatch/store/result_store.h"
#include "greenbatch/trial/environment.h"
#include "greenbatch/trial/live_trial.h"
#include "meter_flags.h"
#include "output.h"
#include "workload_flags.h"

namespace greenbatch::cli {
namespace {

struct RunFlags {
  BackendFlags backend;
  MeterFlags meter;
  WorkloadFlags workload;
  std::string images;
  int warmup_batches = 2;
  bool json = false;
  std::string db;
};

void run_trial_command(const RunFlags& flags) {
  // Every input is checked before the model loads and before the database is touched.
  const auto targets = backend_targets(flags.backend);
  if (targets.size() != 1) throw UsageError("run takes one model; use a study for several");
  const auto [policy, arrival, capacity] = resolve_workload(flags.workload, flags.backend.seed);
  const auto schedule = workload::arrival_schedule(*arrival, flags.workload.requests, flags.workload.duration_s);
  if (schedule.empty()) {
    throw UsageError(fmt::format("--arrival {} schedules no request in the trial", flags.workload.arrival));
  }
  const bool synthetic = !flags.backend.synthetic.empty();
  trial::Payload payload = !flags.images.empty() ? trial::load_image_folder(flags.images)
                           : synthetic           ? trial::Payload{{}, "none"}
                                                 : trial::generated_images(32, flags.backend.seed);

  const auto backend = make_backend(flags.backend, targets.front());
  std::optional<store::ResultStore> db;
  if (!flags.db.empty()) db = store::ResultStore::open(flags.db);

  const auto warm_size = static_cast<int>(std::min<std::size_t>(policy->max_batch(), 32));
  fmt::print(stderr, "warming up {} at batch sizes 1 and {} ...\n", targets.front(), warm_size);
  backend->warm_up(1, flags.warmup_batches);
  backend->warm_up(warm_size, flags.warmup_batches);
  const auto sampler = start_sampler(flags.meter);
  trial::LiveTrialOptions options{schedule, static_cast<std::size_t>(capacity), flags.workload.slo_ms, std::move(payload),
                                  sampler.get(), measure_idle_baseline(flags.meter, *sampler)};

  const auto info = backend->info();
  trial::TrialConfig config{info.model, info.kind, info.device, info.threads, info.weights, policy->spec(),
                            arrival->spec(), flags.workload.requests, flags.workload.duration_s, flags.backend.seed,
                            flags.workload.slo_ms,
                            capacity, options.payload.label, sampler->meter_names(), flags.meter.idle_seconds};
  const auto started_at = trial::utc_now_iso();
  fmt::print(stderr, "running {} requests: {} with {} ...\n", schedule.size(), config.arrival, config.policy);
  auto record = trial::run_live_trial(*backend, *policy, options);
  record.config = config;
  record.started_at = started_at;
  record.trial_id = trial::short_hash(trial::config_json(config) + started_at);
  record.environment_json = trial::environment_json(info, *sampler);
  for (const auto& fault : sampler->faults()) fmt::print(stderr, "energy: {}\n", fault);

  const auto table = store::to_table(std::vector<trial::TrialRecord>{record});
  if (flags.json) {
    print(std::cout, table, Format::json);
  } else {
    print_vertical(std::cout, table);
  }
  if (db) {
    db->save_trial(record);
    fmt::print(stderr, "stored trial {} in {}\n", record.trial_id, flags.db);
  }
  if (record.status == "backend_failed") throw Error(fmt::format("the backend failed mid-trial: {}", record.status_detail));
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "run", "One live trial: requests arrive over time, a policy batches them, the model serves them; "
             "response times and energy");
  auto flags = std::make_shared<RunFlags>();
  add_backend_flags(*cmd, flags->backend, /*several_models=*/false, /*synthetic=*/true);
  add_meter_flags(*cmd, flags->meter);
  add_workload_flags(*cmd, flags->workload);
  cmd->add_option("--images", flags->images,
                  "folder of JPEG/PNG images the requests carry (default: generated images; none for synthetic)");
  cmd->add_option("--warmup-batches", flags->warmup_batches, "uncounted batches at sizes 1 and the policy's maximum")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--json", flags->json, "print the trial row as JSON");
  cmd->add_option("--db", flags->db, "also store the trial, its requests, batches and power trace in this SQLite file");
  cmd->callback([flags] { run_trial_command(*flags); });
}

}  // namespace greenbatch::cli
