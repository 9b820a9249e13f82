#pragma once
/// Slurm batch scripts for a sharded study: a job array with one shard per task, each task on a
/// whole node (`--exclusive`: no neighbour shares the energy a trial measures), and a merge job
/// that runs after every task succeeded.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace greenbatch::cluster {

/// A sharded study as Slurm jobs. Paths are absolute: the jobs run on other machines, from
/// wherever Slurm starts them.
struct SlurmJob {
  std::string name;                      ///< the job name: letters, digits, '.', '_' and '-'
  std::filesystem::path greenbatch;      ///< the greenbatch program every node runs
  std::filesystem::path study_file;      ///< the study's TOML file
  std::vector<std::string> overrides;    ///< `--set KEY=VALUE` of the study, passed on to every task
  int shards = 1;                        ///< N: tasks of the array, one shard each
  std::string shard_db;                  ///< each task's result file; `{shard}` becomes its K
  std::filesystem::path merged_db;       ///< where the merge job merges the shards
  std::filesystem::path log_dir;         ///< each task's output and error files
  std::optional<std::string> partition;  ///< `--partition`
  std::optional<std::string> time;       ///< `--time` limit of each task (and of the merge job)
  std::optional<std::string> gres;       ///< `--gres` of each task, e.g. gpu:1
  std::optional<int> throttle;           ///< at most this many tasks at once (`--array=...%T`)
};

/// Refuses, with a UsageError naming the flag and the form expected, a job Slurm would reject or
/// a script could not hold: N < 1, a throttle < 1, a time not in one of Slurm's forms (M, M:S,
/// H:M:S, D-H, D-H:M, D-H:M:S, UNLIMITED), a partition or gres or name with other characters than
/// letters, digits and `_.,:-`, a log folder with white space or quotes (an #SBATCH line cannot
/// quote it), a shard file without `{shard}` or with `{host}` (the merge job must know every file).
void check_job(const SlurmJob& job);

/// The shard files the array writes, shard 0 first.
[[nodiscard]] std::vector<std::string> shard_files(const SlurmJob& job);

/// The sbatch script of the job array: `--array=0-(N-1)[%T]`, `--exclusive`, one node and one
/// task per array task, an output and an error file per task in the log folder, then
/// `greenbatch study` into the shard file; the task's shard comes from Slurm's array variables.
[[nodiscard]] std::string array_script(const SlurmJob& job);

/// The sbatch script of the merge job: `greenbatch merge` of every shard file into the merged
/// file. Submit it with `--dependency=afterok:ARRAY_JOB_ID` (it asks Slurm to cancel it should the
/// dependency fail).
[[nodiscard]] std::string merge_script(const SlurmJob& job);

}  // namespace greenbatch::cluster
