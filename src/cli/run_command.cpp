// `greenbatch run`: one live trial (arrivals, queue, policy, backend, energy), printed and stored.
#include <fmt/format.h>

#include <iostream>
#include <optional>

#include "commands.h"
#include "decision_trace.h"
#include "greenbatch/core/error.h"
#include "greenbatch/profile/profile_document.h"
#include "greenbatch/sim/profile_estimate.h"
#include "greenbatch/store/result_store.h"
#include "live_trial_runner.h"
#include "output.h"
#include "remote_flags.h"
#include "workload_flags.h"

namespace greenbatch::cli {
namespace {

struct RunFlags {
  LiveTrialFlags live;
  WorkloadFlags workload;
  RemoteFlags remote;
  bool json = false;
  std::string db;
  std::string profile;    // seeds the policy's service-time estimate
  std::string decisions;  // decision trace CSV
};

// A trial against a server: the model is the server's name for it, the server batches.
trial::TrialSettings remote_settings(const RunFlags& flags) {
  const auto& models = flags.live.backend.models;
  if (models.size() != 1 || !flags.live.backend.model_file.empty() || !flags.live.backend.synthetic.empty()) {
    throw UsageError("with --target, give the model's name on the server as --model NAME (one model)");
  }
  const auto& b = flags.live.backend;
  if (b.device != "cpu" || b.threads != 0 || !b.weights.empty() || b.resize || b.crop || b.no_optimize) {
    throw UsageError(
        "with --target the server loads and runs the model: --device, --threads, --weights, --resize, --crop and "
        "--no-optimize do not apply; configure them on the server");
  }
  if (!flags.workload.policy.empty() || flags.workload.queue_capacity || !flags.profile.empty() ||
      !flags.decisions.empty()) {
    throw UsageError(
        "with --target the server batches: --policy, --queue-capacity, --profile and --decisions do not apply; "
        "describe the server's batching with --server-policy TEXT");
  }
  trial::TrialSettings settings;
  settings.remote = remote_spec(flags.remote, models.front());
  settings.seed = flags.live.backend.seed;
  settings.images = flags.live.images;
  settings.idle_seconds = flags.live.meter.idle_seconds;
  settings.knobs = flags.live.knobs;  // on this machine: they reach the server when it runs here
  settings.arrival = flags.workload.arrival;
  settings.requests = flags.workload.requests;
  settings.duration_s = flags.workload.duration_s;
  settings.slo_ms = flags.workload.slo_ms;
  return settings;
}

// Runs the trial, prints it, stores it; throws when it failed (after storing what it gathered).
void finish_trial(const RunFlags& flags, trial::TrialSettings settings) {
  std::vector<batching::DispatchReason> reasons;
  if (!flags.decisions.empty()) settings.dispatch_reasons = &reasons;
  // The store is opened once the model (or server) and images are checked: a bad input never creates it.
  std::optional<store::ResultStore> db;
  const auto record = run_live(flags.live, settings, [&](const engine::BackendInfo&) {
    if (!flags.db.empty()) db = store::ResultStore::open(flags.db);
  });
  if (!flags.decisions.empty()) write_decision_trace(flags.decisions, record.batches, reasons);
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
  check_backend_ok(record);
  if (record.status == trial::TrialStatus::requests_failed || record.status == trial::TrialStatus::server_failed) {
    throw TrialsFailedError(fmt::format("the remote trial ended {}: {} (everything gathered is {})",
                                        trial::to_string(record.status), record.status_detail,
                                        flags.db.empty() ? "printed above" : "stored in " + flags.db));
  }
}

void run_trial_command(const RunFlags& flags) {
  if (!flags.remote.target.empty()) {
    const auto settings = remote_settings(flags);
    (void)trial::resolve_workload(settings);
    return finish_trial(flags, settings);
  }
  (void)remote_spec(flags.remote, {});  // refuses sending flags without --target
  if (flags.workload.policy.empty()) throw UsageError("--policy is required (e.g. --policy greedy:16)");
  // Every input is checked before the model loads and before the database is touched.
  auto settings = live_settings(flags.live);
  std::vector<profile::ProfileCell> cells;
  if (!flags.profile.empty()) {
    cells = profile::model_cells(profile::load_profile_document(flags.profile), settings.backend.target());
  }
  // With a profile, an slo policy gets its default max from it and is checked against it.
  const auto policy = sim::resolve_with_profile(batching::PolicySpec::parse(flags.workload.policy), cells,
                                                flags.profile);
  settings.policy = policy.to_string();
  settings.arrival = flags.workload.arrival;
  settings.requests = flags.workload.requests;
  settings.duration_s = flags.workload.duration_s;
  settings.slo_ms = flags.workload.slo_ms;
  if (!settings.slo_ms && policy.family == batching::PolicyFamily::slo) settings.slo_ms = policy.slo_ms;
  settings.queue_capacity = flags.workload.queue_capacity;
  settings.estimate = sim::estimate_from_profile(cells);
  (void)trial::resolve_workload(settings);
  finish_trial(flags, settings);
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "run",
      "One live trial: requests arrive over time, a policy batches them, the model serves them; "
      "response times and energy");
  auto flags = std::make_shared<RunFlags>();
  add_live_trial_flags(*cmd, flags->live);
  add_workload_flags(*cmd, flags->workload);
  add_remote_flags(*cmd, flags->remote);
  cmd->add_flag("--json", flags->json, "print the trial row as JSON");
  cmd->add_option("--db", flags->db, "also store the trial, its requests, batches and power trace in this SQLite file");
  cmd->add_option("--profile", flags->profile,
                  "profile document (profile --out F.json) of this model: seeds the policy's service-time estimate "
                  "and an slo policy's default max batch");
  add_decisions_flag(*cmd, flags->decisions);
  cmd->callback([flags] { run_trial_command(*flags); });
}

}  // namespace greenbatch::cli
