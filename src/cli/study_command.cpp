// `greenbatch study`: run (or resume) a study from its TOML file into a SQLite file.
#include <fmt/format.h>

#include "commands.h"
#include "greenbatch/core/error.h"
#include "greenbatch/study/study_lock.h"
#include "interruptions.h"
#include "greenbatch/store/result_store.h"
#include "greenbatch/study/study_runner.h"
#include "study_progress.h"

namespace greenbatch::cli {

void add_study_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "study", "Run a study (models x policies x arrivals x repetitions, shuffled) into SQLite; rerun to resume");
  struct Flags {
    std::string file;
    std::string db;
    bool force = false;
    std::vector<std::string> overrides;
  };
  auto flags = std::make_shared<Flags>();
  cmd->add_option("file", flags->file, "the study's TOML file (see examples/)")->required();
  cmd->add_option("--db", flags->db, "SQLite file for the results; an interrupted study resumes from it")->required();
  cmd->add_flag("--force", flags->force, "add this study to a --db that holds another study's results");
  cmd->add_option("--set", flags->overrides, "override a key of the file: KEY=VALUE in TOML syntax, e.g. requests=5");
  cmd->callback([flags] {
    if (flags->db.empty()) throw UsageError("--db is empty; give the SQLite file for the results, e.g. --db results.db");
    const auto config = study::load_study(flags->file, flags->overrides);
    const auto lock = study::StudyLock::acquire(flags->db);
    auto db = store::ResultStore::open(flags->db);
    announce_interruptions(fmt::format("greenbatch: interrupted; every trial finished so far is stored in {} (the one "
                                       "in flight is not); rerun the same command to resume\n",
                                       flags->db));
    StudyProgress progress(stderr);
    const auto outcome = study::run_study(config, db, flags->force, progress);
    fmt::print("study '{}' (id {}): {} trials planned, {} already stored, {} run now, {} failed; results in {}\n",
               config.name, outcome.study_id, outcome.planned, outcome.already_done, outcome.ran, outcome.failed,
               flags->db);
    if (outcome.failed > 0) {
      throw TrialsFailedError(fmt::format("{} of the {} trials run now failed (their status and data so far are "
                                          "stored); rerun the same command to retry them",
                                          outcome.failed, outcome.ran));
    }
  });
}

}  // namespace greenbatch::cli
