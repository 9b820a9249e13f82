// `greenbatch simulate`: a trial on a virtual clock from a profile document, optionally beside
// Inoue's analytic bound.
#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "commands.h"
#include "decision_trace.h"
#include "greenbatch/batching/policy.h"
#include "greenbatch/core/error.h"
#include "greenbatch/core/stamp.h"
#include "greenbatch/profile/profile_document.h"
#include "greenbatch/sim/analytic.h"
#include "greenbatch/sim/profile_estimate.h"
#include "greenbatch/sim/simulator.h"
#include "greenbatch/workload/arrival.h"
#include "number_flags.h"
#include "output.h"
#include "workload_flags.h"

namespace greenbatch::cli {
namespace {

struct SimulateFlags {
  std::string profile;
  std::string model;
  WorkloadFlags workload;
  std::uint64_t seed = 1;
  bool deterministic = false;
  bool interpolate = false;
  bool analytic = false;
  bool json = false;
  std::string decisions;
};

// Inserts column `name` with `value` after column `after` (or at the end) of a one-row table.
void insert_column(store::Table& table, const std::string& after, const std::string& name, FieldValue value) {
  const auto at = std::ranges::find(table.columns, after);
  const auto index = at == table.columns.end() ? table.columns.size()
                                               : static_cast<std::size_t>(at - table.columns.begin()) + 1;
  table.columns.insert(table.columns.begin() + static_cast<std::ptrdiff_t>(index), name);
  auto& row = table.rows.front();
  row.insert(row.begin() + static_cast<std::ptrdiff_t>(index), std::move(value));
}

// The Inoue (2021) bound for this profile and arrival rate, as columns beside response_mean_ms.
void add_analytic_columns(store::Table& table, const profile::ProfileDocument& document, const SimulateFlags& flags,
                          double lambda_rps, const trial::TrialRecord& record, std::size_t max_batch) {
  std::vector<double> sizes, means;
  for (const auto& cell : profile::model_cells(document, flags.model)) {
    sizes.push_back(cell.batch_size);
    means.push_back(cell.latency_mean_ms / 1e3);
  }
  const auto fit = sim::fit_linear(sizes, means);
  const auto bound = sim::inoue_bound(lambda_rps, fit.alpha_s, fit.tau0_s);
  fmt::print(stderr,
             "analytic: Inoue (2021), Theorem 2: upper bound on the mean latency of greedy batching without a "
             "maximum batch size under Poisson arrivals, with tau(b) = alpha*b + tau0 fitted by least squares to the "
             "profile's mean service times: alpha = {:.4g} ms, tau0 = {:.4g} ms, R^2 = {:.4f}\n",
             fit.alpha_s * 1e3, fit.tau0_s * 1e3, fit.r2);
  const bool capped = std::ranges::any_of(record.batches,
                                          [&](const auto& b) { return b.size >= static_cast<int>(max_batch); });
  if (capped) {
    fmt::print(stderr, "analytic: note: simulated batches reached the policy's maximum of {}; the bound assumes none\n",
               max_batch);
  }
  insert_column(table, "response_mean_ms", "inoue_bound_ms", bound.bound_s() * 1e3);
  insert_column(table, "inoue_bound_ms", "inoue_alpha_ms", fit.alpha_s * 1e3);
  insert_column(table, "inoue_alpha_ms", "inoue_tau0_ms", fit.tau0_s * 1e3);
  insert_column(table, "inoue_tau0_ms", "inoue_fit_r2", fit.r2);
}

void run_simulate_command(const SimulateFlags& flags) {
  // Every flag is checked before the profile is read.
  (void)resolve_workload(flags.workload, flags.seed);
  const auto document = profile::load_profile_document(flags.profile);
  const auto cells = profile::model_cells(document, flags.model);
  const auto [policy, arrival, capacity, slo_ms] = resolve_workload(flags.workload, flags.seed, cells, document.path);
  if (flags.analytic && (policy->settings().family != batching::PolicyFamily::greedy ||
                         arrival->kind() != workload::ArrivalKind::poisson)) {
    throw UsageError(
        fmt::format("--analytic: Inoue's bound is for greedy batching under Poisson arrivals, not {} "
                    "under {}; use --policy greedy[:MAX] --arrival poisson:RATE",
                    policy->spec(), arrival->spec()));
  }
  const auto service = sim::ServiceModel::from_profile(document, flags.model, policy->max_batch(),
                                                       {flags.deterministic, flags.interpolate});
  fmt::print(stderr, "simulating {} with {} on {} ({} service times) ...\n", arrival->spec(), policy->spec(),
             service.identity().model, flags.deterministic ? "mean" : "measured");
  // The policy knows the profile's latencies from the start (what a live run gets with --profile).
  auto result = sim::simulate(
      *policy, service, *arrival, flags.workload.requests, flags.workload.duration_s,
      {static_cast<std::size_t>(capacity), slo_ms, flags.seed, sim::estimate_from_profile(cells)});
  std::vector<trial::TrialRecord> records;  // one, moved (not copied: it holds every request)
  records.push_back(std::move(result.record));
  auto& record = records.front();
  if (record.requests.empty())
    throw UsageError(fmt::format("--arrival {} schedules no request", flags.workload.arrival));
  const auto& id = service.identity();
  record.config = {.model = id.model,
                   .backend = id.backend,
                   .device = id.device,
                   .threads = id.threads,
                   .weights = id.weights,
                   .policy = policy->spec(),
                   .arrival = arrival->spec(),
                   .requests = flags.workload.requests,
                   .duration_s = flags.workload.duration_s,
                   .seed = flags.seed,
                   .slo_ms = slo_ms,
                   .queue_capacity = capacity,
                   .images = "simulated",
                   .meter = "simulated",
                   .idle_seconds = 0.0};
  record.started_at = utc_now_iso();
  record.trial_id = short_hash(trial::config_json(record.config) + record.started_at + "simulated");
  record.environment_json = document.environment_json;

  if (!flags.decisions.empty()) write_decision_trace(flags.decisions, record.batches, result.dispatch_reasons);
  auto table = store::to_table(records);
  insert_column(table, "status_detail", "interpolated", result.interpolated);
  if (flags.analytic) add_analytic_columns(table, document, flags, *arrival->mean_rate(), record, policy->max_batch());
  if (flags.json) {
    print(std::cout, table, Format::json);
  } else {
    print_vertical(std::cout, table);
  }
}

}  // namespace

void add_simulate_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "simulate",
      "A trial on a virtual clock: the same policies and metrics as run, with service times and energy "
      "from a profile document (profile --out F.json)");
  auto flags = std::make_shared<SimulateFlags>();
  cmd->add_option("--profile", flags->profile, "profile document written by greenbatch profile --out F.json")
      ->required();
  cmd->add_option("--model", flags->model, "the model to simulate when the profile holds several");
  add_workload_flags(*cmd, flags->workload);
  add_number_option(*cmd, "--seed", flags->seed, "seed of the arrivals and of the service-time draws",
                    NumberRange::at_least(0));
  cmd->add_flag("--deterministic", flags->deterministic,
                "every batch takes its size's mean latency (default: drawn from the measured latencies)");
  cmd->add_flag("--interpolate", flags->interpolate,
                "allow batch sizes the profile lacks, linearly between measured sizes (flagged interpolated)");
  cmd->add_flag("--analytic", flags->analytic,
                "also give Inoue's (2021) closed-form bound on the mean response time (greedy, poisson only)");
  cmd->add_flag("--json", flags->json, "print the trial row as JSON");
  add_decisions_flag(*cmd, flags->decisions);
  cmd->callback([flags] { run_simulate_command(*flags); });
}

}  // namespace greenbatch::cli
