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
#include "workload_flags.h"

namespace greenbatch::cli {
namespace {

struct RunFlags {
  LiveTrialFlags live;
  WorkloadFlags workload;
  bool json = false;
  std::string db;
  std::string profile;    // seeds the policy's service-time estimate
  std::string decisions;  // decision trace CSV
};

void run_trial_command(const RunFlags& flags) {
  // Every input is checked before the model loads and before the database is touched.
  const auto target = live_trial_target(flags.live);  // exactly one model
  std::optional<profile::ProfileDocument> document;
  std::vector<profile::ProfileCell> cells;
  if (!flags.profile.empty()) {
    document = profile::load_profile_document(flags.profile);
    cells = profile::model_cells(*document, target);
  }
  const auto [policy, arrival, capacity, slo_ms] =
      resolve_workload(flags.workload, flags.live.backend.seed, cells, flags.profile);
  auto schedule = workload::arrival_schedule(*arrival, flags.workload.requests, flags.workload.duration_s);
  if (schedule.empty()) {
    throw UsageError(fmt::format("--arrival {} schedules no request in the trial", flags.workload.arrival));
  }
  auto setup = load_live_setup(flags.live);
  std::optional<store::ResultStore> db;
  if (!flags.db.empty()) db = store::ResultStore::open(flags.db);

  std::vector<batching::DispatchReason> reasons;
  const auto record = run_live(setup, flags.live,
                               {*policy, arrival->spec(), std::move(schedule), flags.workload.requests,
                                flags.workload.duration_s, capacity, slo_ms, sim::estimate_from_profile(cells),
                                flags.decisions.empty() ? nullptr : &reasons});
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
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "run", "One live trial: requests arrive over time, a policy batches them, the model serves them; "
             "response times and energy");
  auto flags = std::make_shared<RunFlags>();
  add_live_trial_flags(*cmd, flags->live);
  add_workload_flags(*cmd, flags->workload);
  cmd->add_flag("--json", flags->json, "print the trial row as JSON");
  cmd->add_option("--db", flags->db, "also store the trial, its requests, batches and power trace in this SQLite file");
  cmd->add_option("--profile", flags->profile,
                  "profile document (profile --out F.json) of this model: seeds the policy's service-time estimate "
                  "and an slo policy's default max batch");
  add_decisions_flag(*cmd, flags->decisions);
  cmd->callback([flags] { run_trial_command(*flags); });
}

}  // namespace greenbatch::cli
