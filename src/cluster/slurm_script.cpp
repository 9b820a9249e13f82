// The sbatch scripts of a sharded study: the job array and the merge job after it.
#include "greenbatch/cluster/slurm_script.h"

#include <fmt/format.h>

#include <regex>

#include "greenbatch/core/error.h"
#include "greenbatch/study/shard.h"
#include "shell_quote.h"

namespace greenbatch::cluster {
namespace {

// Slurm's own characters for names, partitions and generic resources (no quoting needed).
bool plain_word(const std::string& text) {
  static const std::regex kPlain("[A-Za-z0-9_.,:-]+");
  return std::regex_match(text, kPlain);
}

void check_word(const std::optional<std::string>& value, std::string_view flag, std::string_view example) {
  if (value && !plain_word(*value)) {
    throw UsageError(fmt::format("{} '{}' may hold only letters, digits and _.,:- (e.g. {})", flag, *value, example));
  }
}

// One #SBATCH line per option, in a fixed order.
void add_directive(std::string& script, std::string_view option, const std::optional<std::string>& value) {
  if (value) script += fmt::format("#SBATCH --{}={}\n", option, *value);
}

std::string study_command(const SlurmJob& job) {
  std::string command = fmt::format("{} study {} --db {}", shell_quote(job.greenbatch.string()),
                                    shell_quote(job.study_file.string()), shell_quote(job.shard_db));
  for (const auto& set : job.overrides) command += fmt::format(" --set {}", shell_quote(set));
  return command;
}

}  // namespace

void check_job(const SlurmJob& job) {
  if (job.shards < 1) throw UsageError(fmt::format("--shards {}: give at least 1 shard", job.shards));
  if (job.throttle && *job.throttle < 1) {
    throw UsageError(fmt::format("--throttle {}: give at least 1 task at a time", *job.throttle));
  }
  static const std::regex kTime(R"((\d+|\d+:\d+|\d+:\d+:\d+|\d+-\d+|\d+-\d+:\d+|\d+-\d+:\d+:\d+|UNLIMITED|INFINITE))");
  if (job.time && !std::regex_match(*job.time, kTime)) {
    throw UsageError(
        fmt::format("--time '{}' is not a Slurm time limit; give MINUTES, H:MM:SS or D-HH:MM:SS (e.g. "
                    "2:00:00)",
                    *job.time));
  }
  check_word(job.partition, "--partition", "gpu");
  check_word(job.gres, "--gres", "gpu:1");
  check_word(job.name, "--name", "paper-study");
  static const std::regex kQuotable(R"([^\s'"\\]+)");
  if (!std::regex_match(job.log_dir.string(), kQuotable)) {
    throw UsageError(
        fmt::format("--logs '{}': Slurm's #SBATCH lines cannot hold white space or quotes in a path; "
                    "give a folder without them",
                    job.log_dir.string()));
  }
  if (job.shard_db.find("{shard}") == std::string::npos || job.shard_db.find("{host}") != std::string::npos) {
    throw UsageError(
        fmt::format("--shard-db '{}' must contain {{shard}} and not {{host}}: each task writes its own "
                    "file and the merge job must know them all (e.g. results-{{shard}}.db)",
                    job.shard_db));
  }
}

std::vector<std::string> shard_files(const SlurmJob& job) {
  std::vector<std::string> files;
  for (int k = 0; k < job.shards; ++k) {
    files.push_back(study::expand_db_pattern(job.shard_db, study::Shard{k, job.shards}, ""));
  }
  return files;
}

std::string array_script(const SlurmJob& job) {
  std::string script = fmt::format(
      "#!/bin/bash\n"
      "# The study {} as a Slurm job array: {} shards, one per task, each task alone on its node\n"
      "# (--exclusive), so that no other job shares the energy its trials measure.\n"
      "# Written by `greenbatch slurm`; submit it with `greenbatch slurm ... --submit`, or by hand:\n"
      "#   jid=$(sbatch --parsable THIS_SCRIPT) && sbatch --dependency=afterok:$jid THE_MERGE_SCRIPT\n",
      job.study_file.string(), job.shards);
  add_directive(script, "job-name", job.name);
  add_directive(script, "array",
                fmt::format("0-{}{}", job.shards - 1, job.throttle ? fmt::format("%{}", *job.throttle) : ""));
  script += "#SBATCH --exclusive\n#SBATCH --nodes=1\n#SBATCH --ntasks=1\n";
  add_directive(script, "partition", job.partition);
  add_directive(script, "time", job.time);
  add_directive(script, "gres", job.gres);
  add_directive(script, "output", (job.log_dir / (job.name + "-%A_%a.out")).string());
  add_directive(script, "error", (job.log_dir / (job.name + "-%A_%a.err")).string());
  script +=
      "set -euo pipefail\n"
      "# greenbatch study takes its shard, K of N, from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT;\n"
      "# rerunning a task resumes its shard file.\n";
  return script + fmt::format("exec {}\n", study_command(job));
}

std::string merge_script(const SlurmJob& job) {
  std::string script = fmt::format(
      "#!/bin/bash\n"
      "# Merges the {} shard files of the study {} into one result store once every array task has\n"
      "# succeeded (submit with --dependency=afterok:ARRAY_JOB_ID). Written by `greenbatch slurm`.\n",
      job.shards, job.study_file.string());
  add_directive(script, "job-name", job.name + "-merge");
  script += "#SBATCH --nodes=1\n#SBATCH --ntasks=1\n#SBATCH --kill-on-invalid-dep=yes\n";
  add_directive(script, "partition", job.partition);
  add_directive(script, "time", job.time);
  add_directive(script, "output", (job.log_dir / (job.name + "-merge-%j.out")).string());
  add_directive(script, "error", (job.log_dir / (job.name + "-merge-%j.err")).string());
  script += fmt::format("set -euo pipefail\nexec {} merge {}", shell_quote(job.greenbatch.string()),
                        shell_quote(job.merged_db.string()));
  for (const auto& file : shard_files(job)) script += fmt::format(" \\\n  {}", shell_quote(file));
  return script + "\n";
}

}  // namespace greenbatch::cluster
