// `greenbatch study`: run (or resume) a study, or one shard of it, from its TOML file into SQLite.
#include <fmt/format.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "greenbatch/core/error.h"
#include "greenbatch/store/result_store.h"
#include "greenbatch/study/shard.h"
#include "greenbatch/study/study_lock.h"
#include "greenbatch/study/study_runner.h"
#include "greenbatch/trial/environment.h"
#include "interruptions.h"
#include "study_progress.h"

namespace greenbatch::cli {
namespace {

std::optional<std::string> environment_variable(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  return value ? std::optional<std::string>(value) : std::nullopt;
}

}  // namespace

void add_study_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "study", "Run a study (models x policies x arrivals x repetitions, shuffled) into SQLite; rerun to resume");
  struct Flags {
    std::string file;
    std::string db;
    bool force = false;
    std::vector<std::string> overrides;
    std::string shard;
    std::vector<std::string> targets;
    std::vector<std::string> server_policies;
  };
  auto flags = std::make_shared<Flags>();
  cmd->add_option("file", flags->file, "the study's TOML file (see examples/)")->required();
  cmd->add_option("--db", flags->db,
                  "SQLite file for the results; an interrupted study resumes from it. {shard} and {host} in the name "
                  "become the shard number K and the host name")
      ->required();
  cmd->add_flag("--force", flags->force, "add this study to a --db that holds another study's results");
  cmd->add_option("--set", flags->overrides, "override a key of the file: KEY=VALUE in TOML syntax, e.g. requests=5");
  cmd->add_option("--shard", flags->shard,
                  "run only shard K of N (K from 0) of the shuffled design; default: the Slurm array task's "
                  "(SLURM_ARRAY_TASK_ID and _COUNT or _MIN/_MAX), else the whole study");
  cmd->add_option("--target", flags->targets,
                  "send every trial's load to this Open Inference Protocol server (repeat for several: the design's "
                  "policy factor); sets the file's targets");
  cmd->add_option("--server-policy", flags->server_policies,
                  "how each --target batches (free text, one per --target, in order); sets server_policies");
  cmd->callback([flags] {
    if (!flags->targets.empty()) flags->overrides.push_back("targets=" + nlohmann::json(flags->targets).dump());
    if (!flags->server_policies.empty())
      flags->overrides.push_back("server_policies=" + nlohmann::json(flags->server_policies).dump());
    if (flags->db.empty())
      throw UsageError("--db is empty; give the SQLite file for the results, e.g. --db results.db");
    const auto shard = flags->shard.empty() ? study::shard_from_slurm(environment_variable)
                                            : std::optional(study::parse_shard(flags->shard));
    const auto db_file = study::expand_db_pattern(flags->db, shard, trial::host_name());
    const auto config = study::load_study(flags->file, flags->overrides);
    const auto lock = study::StudyLock::acquire(db_file);
    auto db = store::ResultStore::open(db_file);
    announce_interruptions(
        fmt::format("greenbatch: interrupted; every trial finished so far is stored in {} (the one "
                    "in flight is not); rerun the same command to resume\n",
                    db_file));
    StudyProgress progress(stderr);
    const auto outcome = study::run_study(config, db, flags->force, progress, shard);
    const auto part = shard ? fmt::format(", shard {}/{}", shard->index, shard->count) : std::string();
    fmt::print("study '{}' (id {}{}): {} trials planned, {} already stored, {} run now, {} failed; results in {}\n",
               config.name, outcome.study_id, part, outcome.planned, outcome.already_done, outcome.ran, outcome.failed,
               db_file);
    if (outcome.failed > 0) {
      throw TrialsFailedError(
          fmt::format("{} of the {} trials run now failed (their status and data so far are "
                      "stored); rerun the same command to retry them",
                      outcome.failed, outcome.ran));
    }
  });
}

}  // namespace greenbatch::cli
