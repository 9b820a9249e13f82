#pragma once
/// Internal to cli: one function per subcommand adds it (flags and action) to the application.

#include <CLI/CLI.hpp>

namespace greenbatch::cli {

/// `greenbatch models`: the zoo table.
void add_models_command(CLI::App& app);
/// `greenbatch classify`: top-k classes of images.
void add_classify_command(CLI::App& app);
/// `greenbatch meters`: energy meters, available or not and why.
void add_meters_command(CLI::App& app);
/// `greenbatch knobs`: power knobs, available or not and why.
void add_knobs_command(CLI::App& app);
/// `greenbatch run`: one live trial.
void add_run_command(CLI::App& app);
/// `greenbatch study`: a whole study into SQLite, resumable.
void add_study_command(CLI::App& app);
/// `greenbatch timeline`: energy per image against year and accuracy.
void add_timeline_command(CLI::App& app);
/// `greenbatch report`: figures, tables, HTML and Markdown from a study database.
void add_report_command(CLI::App& app);
/// `greenbatch profile`: offline latency and throughput per batch size.
void add_profile_command(CLI::App& app);
/// `greenbatch simulate`: a trial on a virtual clock from a profile document.
void add_simulate_command(CLI::App& app);
/// `greenbatch validate`: stored live trials against their simulation, with relative errors.
void add_validate_command(CLI::App& app);
/// `greenbatch recommend`: the policy with the least simulated energy per request within an SLO.
void add_recommend_command(CLI::App& app);
/// `greenbatch slurm`: sbatch scripts for a study as a job array, and their submission.
void add_slurm_command(CLI::App& app);
/// `greenbatch merge`: result stores (a study's shards) into one.
void add_merge_command(CLI::App& app);
/// `greenbatch export`: one table of a result store as CSV or JSON.
void add_export_command(CLI::App& app);
/// `greenbatch serve`: an Open Inference Protocol server with energy per request.
void add_serve_command(CLI::App& app);

}  // namespace greenbatch::cli
