// `greenbatch slurm`: sbatch scripts that run a study as a Slurm job array, one shard per task,
// and merge the shards afterwards; optionally submits both.
#include <fmt/format.h>

#include <cctype>
#include <filesystem>
#include <fstream>

#include "commands.h"
#include "greenbatch/cluster/sbatch.h"
#include "greenbatch/cluster/slurm_script.h"
#include "greenbatch/core/atomic_file.h"
#include "greenbatch/core/error.h"
#include "greenbatch/study/design.h"
#include "greenbatch/study/study_config.h"
#include "number_flags.h"

namespace greenbatch::cli {
namespace {

namespace fs = std::filesystem;

struct SlurmFlags {
  std::string file;
  int shards = 0;
  std::optional<std::string> partition, time, gres, name, db, shard_db, logs, out, greenbatch;
  std::optional<int> throttle;
  std::vector<std::string> overrides;
  bool submit = false;
};

// "paper study" -> "greenbatch-paper-study": Slurm job names without characters a script must quote.
std::string job_name(const std::string& study_name) {
  std::string name = "greenbatch-";
  for (const char c : study_name) name += std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ? c : '-';
  return name;
}

// job.sh -> job-merge.sh
fs::path merge_script_path(const fs::path& out) {
  return out.parent_path() / (out.stem().string() + "-merge" + out.extension().string());
}

void write_script(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    throw InputError(
        fmt::format("cannot write {}; check that its folder exists and that you may write there", file.string()));
  }
  fs::permissions(file, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add);
}

void run(const SlurmFlags& flags) {
  const auto config = study::load_study(flags.file, flags.overrides);
  const auto trials = study::expand_design(config).size();
  if (static_cast<std::size_t>(flags.shards) > trials) {
    throw UsageError(
        fmt::format("--shards {}: the study has {} trials, so give at most {} shards", flags.shards, trials, trials));
  }
  const auto stem = fs::path(flags.file).stem().string();
  const auto out = fs::absolute(flags.out.value_or(stem + "-slurm.sh"));
  if (fs::is_directory(out)) throw InputError(fmt::format("--out {} is a folder; give a file name", out.string()));
  const auto merged = fs::absolute(flags.db.value_or(stem + ".db"));
  cluster::SlurmJob job;
  job.name = flags.name.value_or(job_name(config.name));
  job.greenbatch = flags.greenbatch ? fs::absolute(*flags.greenbatch) : fs::read_symlink("/proc/self/exe");
  job.study_file = fs::absolute(flags.file);
  job.overrides = flags.overrides;
  job.shards = flags.shards;
  job.shard_db = flags.shard_db ? fs::absolute(*flags.shard_db).string()
                                : (merged.parent_path() / (merged.stem().string() + "-shard-{shard}.db")).string();
  job.merged_db = merged;
  job.log_dir = fs::absolute(flags.logs.value_or((out.parent_path() / "slurm-logs").string()));
  job.partition = flags.partition;
  job.time = flags.time;
  job.gres = flags.gres;
  job.throttle = flags.throttle;
  cluster::check_job(job);

  create_output_folder(job.log_dir, "--logs");
  create_output_folder(merged.parent_path(), "--db");
  create_output_folder(fs::path(job.shard_db).parent_path(), "--shard-db");
  const auto merge_out = merge_script_path(out);
  write_script(out, cluster::array_script(job));
  write_script(merge_out, cluster::merge_script(job));
  fmt::print(
      "wrote {} (a job array of {} tasks, one shard of {} trials each at most) and {} (merges the shards "
      "into {}); logs go to {}\n",
      out.string(), job.shards, (trials + job.shards - 1) / job.shards, merge_out.string(), merged.string(),
      job.log_dir.string());
  if (!flags.submit) {
    fmt::print("submit with: jid=$(sbatch --parsable {}) && sbatch --dependency=afterok:$jid {}\n", out.string(),
               merge_out.string());
    return;
  }
  const auto array_id = cluster::submit(out);
  fmt::print("array job {}\n", array_id);
  const auto merge_id = cluster::submit(merge_out, {"--dependency=afterok:" + array_id});
  fmt::print("merge job {} (runs once every task of job {} has succeeded)\n", merge_id, array_id);
}

}  // namespace

void add_slurm_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "slurm",
      "Write sbatch scripts that run a study as a Slurm job array (one shard per task, --exclusive) and "
      "merge the shards; --submit submits both");
  auto flags = std::make_shared<SlurmFlags>();
  cmd->add_option("file", flags->file, "the study's TOML file")->required();
  add_number_option(*cmd, "--shards", flags->shards, "N: tasks of the job array, one shard of the study each",
                    NumberRange::between(1, 1'000'000))
      ->required();
  cmd->add_option("--partition", flags->partition, "Slurm partition of every job");
  cmd->add_option("--time", flags->time, "time limit of each task, e.g. 4:00:00");
  cmd->add_option("--gres", flags->gres, "generic resources of each task, e.g. gpu:1");
  cmd->add_option("--throttle", flags->throttle, "at most this many tasks at once (--array=...%T)");
  cmd->add_option("--out", flags->out,
                  "the array script (default: FILE's name with -slurm.sh); the merge script "
                  "goes next to it with -merge before the extension");
  cmd->add_option("--db", flags->db, "the merged result store (default: FILE's name with .db)");
  cmd->add_option("--shard-db", flags->shard_db,
                  "each task's result store, with {shard} (default: the --db name with -shard-{shard})");
  cmd->add_option("--logs", flags->logs,
                  "folder of the tasks' output and error files (default: slurm-logs next to "
                  "--out)");
  cmd->add_option("--name", flags->name, "Slurm job name (default: greenbatch- and the study's name)");
  cmd->add_option("--set", flags->overrides, "override a key of the study file for every task: KEY=VALUE");
  cmd->add_option("--greenbatch", flags->greenbatch,
                  "the greenbatch program the nodes run (default: this one; it must be reachable from every node)");
  cmd->add_flag("--submit", flags->submit, "submit the array with sbatch, then the merge job after it");
  cmd->callback([flags] { run(*flags); });
}

}  // namespace greenbatch::cli
