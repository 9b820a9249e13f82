// `greenbatch export`: one table of a result store as CSV or JSON, for pandas, R or a spreadsheet.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "commands.h"
#include "greenbatch/core/atomic_file.h"
#include "greenbatch/core/error.h"
#include "greenbatch/store/result_store.h"
#include "output.h"
#include "study_choice.h"

namespace greenbatch::cli {
namespace {

struct ExportFlags {
  std::string db;
  std::string table;
  std::string format = "csv";
  std::string out;
  std::optional<std::string> study;
};

// Refuses an --out that is the store or cannot be written before anything is read.
void check_writable(const std::filesystem::path& out, const std::filesystem::path& db) {
  std::error_code ignored;
  if (std::filesystem::equivalent(out, db, ignored)) {
    throw UsageError(fmt::format("--out '{}' is the result store itself; give another file", out.string()));
  }
  check_output_writable(out, "--out");
}

void run_export_command(const ExportFlags& flags) {
  if (!flags.out.empty()) check_writable(flags.out, flags.db);
  const auto store = store::ResultStore::open_read_only(flags.db);
  if (flags.study) check_study(store, flags.db, *flags.study);
  const auto table = store.read_table(flags.table, flags.study);
  const auto format = flags.format == "json" ? Format::json : Format::csv;
  if (flags.out.empty()) return print(std::cout, table, format);
  write_file_atomically(flags.out, [&](std::ostream& file) { print(file, table, format); });
  fmt::print(stderr, "wrote {} rows of {} to {}\n", table.rows.size(), flags.table, flags.out);
}

}  // namespace

void add_export_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "export", "Write one table of a result store (--db of run or study) as CSV or JSON, for pandas or R");
  auto flags = std::make_shared<ExportFlags>();
  cmd->add_option("--db", flags->db, "the result store (SQLite file) to read")->required();
  cmd->add_option("--table", flags->table, "the table to write")
      ->required()
      ->check(CLI::IsMember(std::vector<std::string>(store::kExportTables.begin(), store::kExportTables.end())));
  cmd->add_option("--format", flags->format, "csv (with a header line) or json (an array of objects)")
      ->capture_default_str()
      ->check(CLI::IsMember({"csv", "json"}));
  cmd->add_option("--out,-o", flags->out, "write to FILE instead of standard output");
  cmd->add_option("--study", flags->study, "only the rows of the study with this id (see --table studies)");
  cmd->callback([flags] { run_export_command(*flags); });
}

}  // namespace greenbatch::cli
