// `greenbatch report`: figures, tables, statistics, HTML and Markdown from a study database.
#include <fmt/format.h>

#include "commands.h"
#include "greenbatch/core/error.h"
#include "greenbatch/report/report.h"
#include "number_flags.h"
#include "study_choice.h"

namespace greenbatch::cli {

void add_report_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "report", "Write a study's report: figures (SVG, PNG), tables, statistics, report.html and report.md");
  struct Flags {
    std::string db;
    std::string out;
    report::ReportOptions options;
  };
  auto flags = std::make_shared<Flags>();
  cmd->add_option("--db", flags->db, "the study's SQLite file")->required();
  cmd->add_option("--out", flags->out, "folder for the report (created when missing)")->required();
  cmd->add_option("--study", flags->options.study_id, "only this study's trials (default: every trial in --db)");
  cmd->add_option("--trace-trial", flags->options.trace_trial,
                  "the trial whose power trace is drawn (default: the first with a stored trace)");
  cmd->add_option("--profile", flags->options.profiles,
                  "profile document(s) (profile --out F.json): simulate each trial of their models and compare "
                  "with the live result")
      ->check(CLI::ExistingFile);
  add_number_option(*cmd, "--seed", flags->options.seed, "seed of the bootstrap confidence intervals",
                    NumberRange::at_least(0));
  cmd->callback([flags] {
    if (!std::filesystem::exists(flags->db)) {
      throw InputError(fmt::format("--db {}: no such file; run a study first (greenbatch study FILE --db {})",
                                   flags->db, flags->db));
    }
    const auto db = store::ResultStore::open_read_only(flags->db);
    if (flags->options.study_id) check_study(db, flags->db, *flags->options.study_id);
    flags->options.database = flags->db;
    const auto files = report::write_report(db, flags->out, flags->options);
    fmt::print("report: {} ({} figures), summary {}\n", files.html.string(), files.figures, files.markdown.string());
  });
}

}  // namespace greenbatch::cli
