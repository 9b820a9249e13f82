// `greenbatch study`: run (or resume) a study from its TOML file into a SQLite file.
#include <fmt/format.h>

#include "commands.h"
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
    const auto config = study::load_study(flags->file, flags->overrides);
    auto db = store::ResultStore::open(flags->db);
    StudyProgress progress(stderr);
    const auto outcome = study::run_study(config, db, flags->force, progress);
    fmt::print("study '{}' (id {}): {} trials planned, {} already stored, {} run now, {} with a problem; results in {}\n",
               config.name, outcome.study_id, outcome.planned, outcome.already_done, outcome.ran, outcome.failed,
               flags->db);
  });
}

}  // namespace greenbatch::cli
