// `greenbatch validate`: every stored trial of a profiled model simulated and compared with its
// live result.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <set>

#include "commands.h"
#include "greenbatch/core/atomic_file.h"
#include "greenbatch/core/error.h"
#include "greenbatch/sim/validation.h"
#include "greenbatch/store/result_store.h"
#include "output.h"
#include "study_choice.h"

namespace greenbatch::cli {
namespace {

struct ValidateFlags {
  std::string db;
  std::vector<std::string> profiles;
  std::string study;
  std::string out;
  bool json = false;
  bool csv = false;
};

std::optional<double> low(const std::optional<sim::SimRange>& r) { return r ? std::optional(r->low) : std::nullopt; }
std::optional<double> high(const std::optional<sim::SimRange>& r) { return r ? std::optional(r->high) : std::nullopt; }

// sim_ figures are means over the simulations of each trial; _min/_max their range; replay_ the
// same simulations with the live batches' own service times (a check, not a prediction).
store::Table validation_table(const sim::Validation& v) {
  store::Table t{{"trial_id",
                  "model",
                  "policy",
                  "arrival",
                  "live_mean_ms",
                  "sim_mean_ms",
                  "sim_mean_min_ms",
                  "sim_mean_max_ms",
                  "mean_error",
                  "live_p95_ms",
                  "sim_p95_ms",
                  "sim_p95_min_ms",
                  "sim_p95_max_ms",
                  "p95_error",
                  "live_p99_ms",
                  "sim_p99_ms",
                  "p99_error",
                  "live_energy_per_request_j",
                  "sim_energy_per_request_j",
                  "energy_error",
                  "live_energy_source",
                  "sim_energy_source",
                  "idle_gap_model",
                  "interpolated",
                  "within",
                  "replay_mean_ms",
                  "replay_mean_error",
                  "replay_p95_ms",
                  "replay_p95_error",
                  "reasons"},
                 {}};
  for (const auto& r : v.rows) {
    t.rows.push_back({r.trial_id,
                      r.model,
                      r.policy,
                      r.arrival,
                      optional_value(r.live_mean_ms),
                      optional_value(r.sim_mean_ms),
                      optional_value(low(r.sim_mean_range)),
                      optional_value(high(r.sim_mean_range)),
                      optional_value(sim::relative_error(r.live_mean_ms, r.sim_mean_ms)),
                      optional_value(r.live_p95_ms),
                      optional_value(r.sim_p95_ms),
                      optional_value(low(r.sim_p95_range)),
                      optional_value(high(r.sim_p95_range)),
                      optional_value(sim::relative_error(r.live_p95_ms, r.sim_p95_ms)),
                      optional_value(r.live_p99_ms),
                      optional_value(r.sim_p99_ms),
                      optional_value(sim::relative_error(r.live_p99_ms, r.sim_p99_ms)),
                      optional_value(r.live_energy_j),
                      optional_value(r.sim_energy_j),
                      optional_value(sim::relative_error(r.live_energy_j, r.sim_energy_j)),
                      r.live_energy_source,
                      r.sim_energy_source,
                      r.idle_gaps,
                      r.interpolated,
                      r.within,
                      optional_value(r.replay_mean_ms),
                      optional_value(sim::relative_error(r.live_mean_ms, r.replay_mean_ms)),
                      optional_value(r.replay_p95_ms),
                      optional_value(sim::relative_error(r.live_p95_ms, r.replay_p95_ms)),
                      r.reasons});
  }
  return t;
}

// "7 of 8 trials within 10 % on mean, p95 and energy per request (mean 8/8, ...)".
std::string summary_line(const sim::Validation& v) {
  std::size_t within = 0, mean = 0, p95 = 0, p99 = 0, energy = 0, with_energy = 0, replayed = 0, replay_mean = 0,
              replay_p95 = 0;
  for (const auto& r : v.rows) {
    replayed += r.replay_mean_ms ? 1 : 0;
    replay_mean += sim::within_tolerance(r.live_mean_ms, r.replay_mean_ms) ? 1 : 0;
    replay_p95 += sim::within_tolerance(r.live_p95_ms, r.replay_p95_ms) ? 1 : 0;
    within += r.within ? 1 : 0;
    mean += sim::within_tolerance(r.live_mean_ms, r.sim_mean_ms) ? 1 : 0;
    p95 += sim::within_tolerance(r.live_p95_ms, r.sim_p95_ms) ? 1 : 0;
    p99 += sim::within_tolerance(r.live_p99_ms, r.sim_p99_ms) ? 1 : 0;
    with_energy += r.live_energy_j ? 1 : 0;
    energy += sim::within_tolerance(r.live_energy_j, r.sim_energy_j) ? 1 : 0;
  }
  const auto n = v.rows.size();
  return fmt::format(
      "validate: {} of {} trials within {:.0f} % on mean and p95 response time and energy per request "
      "(mean {}/{}, p95 {}/{}, p99 {}/{}, energy {}/{} with live energy); error = (simulated - "
      "live) / live; {} not simulated; with the live batches' own service times in place of the profile's "
      "(a check of the queueing model, not a prediction): mean {}/{}, p95 {}/{}",
      within, n, sim::kValidationTolerance * 100.0, mean, n, p95, n, p99, n, energy, with_energy, v.skipped.size(),
      replay_mean, replayed, replay_p95, replayed);
}

void run_validate(const ValidateFlags& flags) {
  const auto format = pick_format(flags.json, flags.csv);
  if (!std::filesystem::exists(flags.db)) {
    throw InputError(
        fmt::format("--db {}: no such file; run a study first (greenbatch study FILE --db {})", flags.db, flags.db));
  }
  std::vector<profile::ProfileDocument> documents;
  for (const auto& file : flags.profiles) documents.push_back(profile::load_profile_document(file));
  const auto db = store::ResultStore::open_read_only(flags.db);
  if (!flags.study.empty()) check_study(db, flags.db, flags.study);
  auto trials = db.load_trials(flags.study.empty() ? std::nullopt : std::optional(flags.study));
  for (auto& t : trials) {
    if (sim::will_simulate(t, documents)) t.batches = db.load_batches(t.trial_id);  // to compare service times
  }
  const auto validation = sim::validate(trials, documents);
  for (const auto& s : validation.skipped) fmt::print(stderr, "validate: not simulated: {}\n", s);
  if (validation.rows.empty() && validation.skipped.empty()) {
    std::set<std::string> stored, profiled;
    for (const auto& t : trials) stored.insert(t.config.model);
    for (const auto& d : documents) {
      for (const auto& c : d.cells) profiled.insert(c.model);
    }
    throw InputError(
        fmt::format("--db {} has no ok trial of a profiled model (trials of: {}; profiled: {}); profile "
                    "the models the study ran",
                    flags.db, fmt::join(stored, ", "), fmt::join(profiled, ", ")));
  }
  const auto table = validation_table(validation);
  print(std::cout, table, format,
        {"model", "policy", "arrival", "mean_error", "p95_error", "p99_error", "energy_error", "within", "reasons"}, 3);
  const auto summary = summary_line(validation);
  fmt::print(stderr, "{}\n", summary);
  if (flags.out.empty()) return;
  create_output_folder(flags.out, "--out");
  const std::filesystem::path dir(flags.out);
  write_file_atomically(dir / "validation.csv", [&](std::ostream& o) { print(o, table, Format::csv); });
  write_file_atomically(dir / "validation.json", [&](std::ostream& o) { print(o, table, Format::json); });
  write_file_atomically(dir / "summary.txt", summary + "\n");
  fmt::print(stderr, "wrote {} and {}\n", (dir / "validation.csv").string(), (dir / "validation.json").string());
}

}  // namespace

void add_validate_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "validate",
      "Simulate every stored trial of the profiled models with its own policy, arrivals, seed, length "
      "and queue bound, and print the relative errors of mean, p95, p99 response time and energy per "
      "request, with reasons where one is outside 10 %");
  auto flags = std::make_shared<ValidateFlags>();
  cmd->add_option("--db", flags->db, "the study's SQLite file")->required();
  cmd->add_option("--profile", flags->profiles, "profile document(s) (profile --out F.json)")->required();
  cmd->add_option("--study", flags->study, "only this study's trials (default: every trial in --db)");
  cmd->add_option("--out", flags->out, "also write validation.csv, validation.json and summary.txt into DIR");
  cmd->add_flag("--json", flags->json, "print JSON");
  cmd->add_flag("--csv", flags->csv, "print CSV");
  cmd->callback([flags] { run_validate(*flags); });
}

}  // namespace greenbatch::cli
