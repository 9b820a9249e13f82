// Slurm scripts of a sharded study: their exact text, refused jobs, and that a task's command
// reaches greenbatch with every argument intact when bash runs the script.
#include "greenbatch/cluster/slurm_script.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "greenbatch/core/error.h"
#include "support/error_message.h"
#include "support/fixture_tree.h"
#include "support/temp_dir.h"

namespace greenbatch::cluster {
namespace {

using greenbatch::testing::message_of;

SlurmJob sample_job() {
  SlurmJob job;
  job.name = "greenbatch-paper";
  job.greenbatch = "/opt/gb/bin/greenbatch";
  job.study_file = "/home/ana/paper.toml";
  job.overrides = {"requests=5", R"(models=["it's"])"};
  job.shards = 3;
  job.shard_db = "/scratch/ana/paper-shard-{shard}.db";
  job.merged_db = "/scratch/ana/paper.db";
  job.log_dir = "/scratch/ana/logs";
  job.partition = "gpu";
  job.time = "2:00:00";
  job.gres = "gpu:1";
  job.throttle = 2;
  return job;
}

TEST(SlurmScript, ArrayScriptText) {
  EXPECT_EQ(array_script(sample_job()),
            R"(#!/bin/bash
# The study /home/ana/paper.toml as a Slurm job array: 3 shards, one per task, each task alone on its node
# (--exclusive), so that no other job shares the energy its trials measure.
# Written by `greenbatch slurm`; submit it with `greenbatch slurm ... --submit`, or by hand:
#   jid=$(sbatch --parsable THIS_SCRIPT) && sbatch --dependency=afterok:$jid THE_MERGE_SCRIPT
#SBATCH --job-name=greenbatch-paper
#SBATCH --array=0-2%2
#SBATCH --exclusive
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --partition=gpu
#SBATCH --time=2:00:00
#SBATCH --gres=gpu:1
#SBATCH --output=/scratch/ana/logs/greenbatch-paper-%A_%a.out
#SBATCH --error=/scratch/ana/logs/greenbatch-paper-%A_%a.err
set -euo pipefail
# greenbatch study takes its shard, K of N, from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT;
# rerunning a task resumes its shard file.
exec '/opt/gb/bin/greenbatch' study '/home/ana/paper.toml' --db '/scratch/ana/paper-shard-{shard}.db' --set 'requests=5' --set 'models=["it'\''s"]'
)");
}

TEST(SlurmScript, OptionalDirectivesAreLeftOut) {
  auto job = sample_job();
  job.partition.reset();
  job.time.reset();
  job.gres.reset();
  job.throttle.reset();
  const auto script = array_script(job);
  EXPECT_NE(script.find("#SBATCH --array=0-2\n"), std::string::npos) << script;
  for (const auto* absent : {"--partition", "--time", "--gres"}) {
    EXPECT_EQ(script.find(absent), std::string::npos) << absent;
  }
}

TEST(SlurmScript, MergeScriptText) {
  EXPECT_EQ(merge_script(sample_job()),
            R"(#!/bin/bash
# Merges the 3 shard files of the study /home/ana/paper.toml into one result store once every array task has
# succeeded (submit with --dependency=afterok:ARRAY_JOB_ID). Written by `greenbatch slurm`.
#SBATCH --job-name=greenbatch-paper-merge
#SBATCH --nodes=1
#SBATCH --ntasks=1
#SBATCH --kill-on-invalid-dep=yes
#SBATCH --partition=gpu
#SBATCH --time=2:00:00
#SBATCH --output=/scratch/ana/logs/greenbatch-paper-merge-%j.out
#SBATCH --error=/scratch/ana/logs/greenbatch-paper-merge-%j.err
set -euo pipefail
exec '/opt/gb/bin/greenbatch' merge '/scratch/ana/paper.db' \
  '/scratch/ana/paper-shard-0.db' \
  '/scratch/ana/paper-shard-1.db' \
  '/scratch/ana/paper-shard-2.db'
)");
}

TEST(SlurmScript, ShardFilesInShardOrder) {
  auto job = sample_job();
  job.shards = 2;
  EXPECT_EQ(shard_files(job),
            (std::vector<std::string>{"/scratch/ana/paper-shard-0.db", "/scratch/ana/paper-shard-1.db"}));
}

// bash runs the script with a stand-in greenbatch that writes its arguments, one per line.
TEST(SlurmScript, BashPassesEveryArgumentIntact) {
  const testing::TempDir dir("slurm-script-bash");
  const auto args_file = dir.path() / "args.txt";
  testing::write_file(dir.path() / "greenbatch", "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + args_file.string() + "'\n");
  std::filesystem::permissions(dir.path() / "greenbatch", std::filesystem::perms::owner_all);
  auto job = sample_job();
  job.greenbatch = dir.path() / "greenbatch";
  testing::write_file(dir.path() / "job.sh", array_script(job));
  ASSERT_EQ(std::system(("bash '" + (dir.path() / "job.sh").string() + "'").c_str()), 0);
  std::ifstream in(args_file);
  std::stringstream args;
  args << in.rdbuf();
  EXPECT_EQ(args.str(),
            "study\n/home/ana/paper.toml\n--db\n/scratch/ana/paper-shard-{shard}.db\n--set\nrequests=5\n--set\n"
            "models=[\"it's\"]\n");
}

TEST(SlurmScript, RefusesJobsSlurmWouldReject) {
  const auto refused = [](auto change) {
    auto job = sample_job();
    change(job);
    return message_of<UsageError>([&] { check_job(job); });
  };
  EXPECT_NO_THROW(check_job(sample_job()));
  EXPECT_NE(refused([](SlurmJob& j) { j.shards = 0; }).find("--shards 0"), std::string::npos);
  EXPECT_NE(refused([](SlurmJob& j) { j.throttle = 0; }).find("--throttle 0"), std::string::npos);
  for (const auto* time : {"1h", "2:00:00:00", "-1", "", "1-"}) {
    EXPECT_NE(refused([&](SlurmJob& j) { j.time = time; }).find("is not a Slurm time limit"), std::string::npos)
        << time;
  }
  for (const auto* time : {"30", "30:00", "4:00:00", "2-12", "2-12:30", "2-12:30:00", "UNLIMITED"}) {
    auto job = sample_job();
    job.time = time;
    EXPECT_NO_THROW(check_job(job)) << time;
  }
  EXPECT_NE(refused([](SlurmJob& j) { j.partition = "gpu\n#SBATCH --x"; }).find("--partition"), std::string::npos);
  EXPECT_NE(refused([](SlurmJob& j) { j.gres = "gpu 1"; }).find("--gres"), std::string::npos);
  EXPECT_NE(refused([](SlurmJob& j) { j.log_dir = "/my logs"; }).find("--logs"), std::string::npos);
  EXPECT_NE(refused([](SlurmJob& j) { j.shard_db = "/s/one.db"; }).find("must contain {shard}"), std::string::npos);
  EXPECT_NE(refused([](SlurmJob& j) { j.shard_db = "/s/{host}-{shard}.db"; }).find("not {host}"), std::string::npos);
}

}  // namespace
}  // namespace greenbatch::cluster
