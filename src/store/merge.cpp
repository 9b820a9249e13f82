// Merging result store files: every input checked read-only first, then one transaction per input
// that copies what the output lacks and refuses a trial whose contents differ.
#include "greenbatch/store/merge.h"

#include <fmt/format.h>

#include <array>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "greenbatch/core/error.h"
#include "greenbatch/store/result_store.h"
#include "schema.h"
#include "sqlite_handle.h"

namespace greenbatch::store {
namespace {

namespace fs = std::filesystem;

// The tables that belong to a trial and are copied with it.
constexpr std::array<std::string_view, 5> kTrialTables{"requests", "batches", "power_domains", "power_samples",
                                                       "remote_requests"};

// A read-only file: URI of `file` for ATTACH (percent-encoding all but unreserved characters).
std::string read_only_uri(const fs::path& file) {
  constexpr std::string_view kPlain = "/._~-";
  std::string uri = "file:";
  for (const unsigned char c : fs::absolute(file).string()) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       kPlain.find(static_cast<char>(c)) != std::string_view::npos;
    uri += plain ? std::string(1, static_cast<char>(c)) : fmt::format("%{:02X}", c);
  }
  return uri + "?mode=ro";
}

bool has_table(const sqlite::Database& db, std::string_view schema_name, std::string_view table) {
  sqlite::Statement query(db,
                          fmt::format("SELECT 1 FROM {}.sqlite_master WHERE type = 'table' AND name = ?", schema_name));
  query.bind(1, std::string(table));
  return query.step();
}

std::vector<std::string> column_names(const sqlite::Database& db, std::string_view schema_name,
                                      std::string_view table) {
  sqlite::Statement query(db, fmt::format("PRAGMA {}.table_info({})", schema_name, table));
  std::vector<std::string> names;
  while (query.step()) names.push_back(std::get<std::string>(query.column(1)));
  return names;
}

// The columns of `table` in the output that the input also has (an older input lacks some: they
// stay null), without `seq`, which the output assigns.
std::vector<std::string> shared_columns(const sqlite::Database& db, std::string_view table) {
  const auto in_input = column_names(db, "src", table);
  const std::set<std::string> input_set(in_input.begin(), in_input.end());
  std::vector<std::string> shared;
  for (auto& name : column_names(db, "main", table)) {
    if (name != "seq" && input_set.contains(name)) shared.push_back(std::move(name));
  }
  return shared;
}

std::string column_list(const std::vector<std::string>& columns, std::string_view prefix = "") {
  std::string list;
  for (const auto& c : columns) list += fmt::format("{}{}\"{}\"", list.empty() ? "" : ", ", prefix, c);
  return list;
}

std::string first_text(const sqlite::Database& db, const std::string& sql) {
  sqlite::Statement query(db, sql);
  return query.step() ? std::get<std::string>(query.column(0)) : std::string();
}

// Every input exists, is a file other than the output, and is a greenbatch store this build can
// read; opened read-only, so a refused file is left exactly as it was.
void check_input(const fs::path& input, const fs::path& out) {
  std::error_code error;
  const auto status = fs::status(input, error);
  if (!fs::exists(status)) {
    throw InputError(
        fmt::format("the input {} does not exist; give the result store files to merge (e.g. the "
                    "shards' results-*.db)",
                    input.string()));
  }
  if (fs::is_directory(status)) {
    throw InputError(
        fmt::format("the input {} is a folder, not a result store; give the .db files in it", input.string()));
  }
  if (fs::exists(out) && fs::equivalent(input, out, error)) {
    throw InputError(fmt::format("{} is both the output and an input; merge into another file", input.string()));
  }
  std::unique_ptr<sqlite::Database> db;
  try {
    db = std::make_unique<sqlite::Database>(input, SQLITE_OPEN_READONLY);
  } catch (const sqlite::SqliteError& e) {
    throw InputError(fmt::format("cannot read the input {} ({}); check that you may read it", input.string(),
                                 sqlite3_errstr(e.primary_code())));
  }
  sqlite3_busy_timeout(db->get(), sqlite::kBusyTimeoutMs);
  schema::check_owner(*db);
  if (!has_table(*db, "main", "trials")) {
    throw InputError(
        fmt::format("the input {} is empty: it holds no greenbatch results; leave it out", input.string()));
  }
}

// The input attached read-only as schema `src` for as long as this lives.
class AttachedInput {
 public:
  AttachedInput(const sqlite::Database& db, const fs::path& input) : db_(db) {
    sqlite::Statement attach(db, "ATTACH DATABASE ? AS src");
    attach.bind(1, read_only_uri(input));
    attach.run();
  }
  ~AttachedInput() { sqlite3_exec(db_.get(), "DETACH DATABASE src", nullptr, nullptr, nullptr); }
  AttachedInput(const AttachedInput&) = delete;
  AttachedInput& operator=(const AttachedInput&) = delete;

 private:
  const sqlite::Database& db_;
};

class Merger {
 public:
  Merger(const sqlite::Database& db, fs::path out) : db_(db), out_(std::move(out)) {}

  // Merges the attached input `input` in one transaction.
  MergedInput merge(const fs::path& input) {
    MergedInput merged{input};
    sqlite::Transaction transaction(db_);  // declared first: statements are finalised before it ends
    if (has_table(db_, "src", "studies")) merged.studies = copy_studies();
    refuse_differing_trials(input);
    db_.exec("CREATE TEMP TABLE IF NOT EXISTS merge_new (trial_id TEXT PRIMARY KEY); DELETE FROM temp.merge_new");
    db_.exec(
        "INSERT INTO temp.merge_new SELECT trial_id FROM src.trials WHERE trial_id NOT IN "
        "(SELECT trial_id FROM main.trials)");
    merged.trials = db_.query_int("SELECT COUNT(*) FROM temp.merge_new");
    merged.trials_present = db_.query_int("SELECT COUNT(*) FROM src.trials") - merged.trials;
    copy_new_trials();
    for (const auto table : kTrialTables) {
      if (!has_table(db_, "src", table)) continue;
      const auto columns = shared_columns(db_, table);
      db_.exec(
          fmt::format("INSERT INTO main.{0} ({1}) SELECT {1} FROM src.{0} WHERE trial_id IN "
                      "(SELECT trial_id FROM temp.merge_new)",
                      table, column_list(columns)));
      const auto rows = sqlite3_changes64(db_.get());
      if (table == "requests") merged.requests = rows;
      if (table == "batches") merged.batches = rows;
      if (table == "power_samples") merged.power_samples = rows;
    }
    std::vector<std::string> added;
    sqlite::Statement ids(db_, "SELECT trial_id FROM temp.merge_new");
    while (ids.step()) added.push_back(std::get<std::string>(ids.column(0)));
    transaction.commit();
    for (auto& id : added) origin_.emplace(std::move(id), input);
    return merged;
  }

 private:
  // Studies the output lacks, after its own in the input's order. A study id hashes the study's
  // configuration, so one already there is the same study (only its registration time differs).
  std::int64_t copy_studies() {
    const auto columns = shared_columns(db_, "studies");
    const auto base = db_.query_int("SELECT IFNULL(MAX(seq), 0) FROM main.studies");
    db_.exec(
        fmt::format("INSERT INTO main.studies ({}, seq) SELECT {}, {} + ROW_NUMBER() OVER (ORDER BY s.seq) FROM "
                    "src.studies AS s WHERE s.study_id NOT IN (SELECT study_id FROM main.studies)",
                    column_list(columns), column_list(columns, "s."), base));
    return sqlite3_changes64(db_.get());
  }

  void copy_new_trials() {
    const auto columns = shared_columns(db_, "trials");
    const auto base = db_.query_int("SELECT IFNULL(MAX(seq), 0) FROM main.trials");
    db_.exec(
        fmt::format("INSERT INTO main.trials ({}, seq) SELECT {}, {} + ROW_NUMBER() OVER (ORDER BY s.seq) FROM "
                    "src.trials AS s WHERE s.trial_id IN (SELECT trial_id FROM temp.merge_new)",
                    column_list(columns), column_list(columns, "s."), base));
  }

  // A trial in both the input and the output must be the same: its row, requests, batches and
  // power trace.
  void refuse_differing_trials(const fs::path& input) {
    const auto columns = shared_columns(db_, "trials");
    std::string same;
    for (const auto& c : columns) same += fmt::format("{}s.\"{}\" IS m.\"{}\"", same.empty() ? "" : " AND ", c, c);
    const auto row = first_text(db_, fmt::format("SELECT s.trial_id FROM src.trials AS s JOIN main.trials AS m ON "
                                                 "m.trial_id = s.trial_id WHERE NOT ({}) LIMIT 1",
                                                 same));
    if (!row.empty()) refuse(row, input, "their trial rows");
    for (const auto table : kTrialTables) {
      if (!has_table(db_, "src", table)) continue;
      const auto list = column_list(shared_columns(db_, table));
      const auto one_side = [&](std::string_view from, std::string_view other) {
        return fmt::format(
            "SELECT trial_id FROM (SELECT {0} FROM {1}.{2} WHERE trial_id IN (SELECT trial_id FROM "
            "{3}.trials) EXCEPT SELECT {0} FROM {3}.{2} WHERE trial_id IN (SELECT trial_id FROM "
            "{1}.trials))",
            list, from, table, other);
      };
      const auto id = first_text(db_, one_side("src", "main") + " UNION ALL " + one_side("main", "src") + " LIMIT 1");
      if (!id.empty()) refuse(id, input, fmt::format("their {} rows", table));
    }
  }

  [[noreturn]] void refuse(const std::string& trial_id, const fs::path& input, const std::string& what) const {
    const auto found = origin_.find(trial_id);
    const auto other = found != origin_.end()
                           ? fmt::format("{} (merged into {} just before)", found->second.string(), out_.string())
                           : fmt::format("{} (which held it before this merge)", out_.string());
    throw InputError(
        fmt::format("trial {} is in {} and in {} with different contents ({} differ): two different runs "
                    "of the same trial; nothing of {} was merged. Keep one run (e.g. rerun that shard "
                    "into a fresh file) and merge again",
                    trial_id, input.string(), other, what, input.string()));
  }

  const sqlite::Database& db_;
  fs::path out_;
  std::map<std::string, fs::path> origin_;  // trial id -> the input it was merged from in this run
};

}  // namespace

void merge_stores(const fs::path& out, const std::vector<fs::path>& inputs, const MergeObserver& on_merged) {
  if (inputs.empty()) throw UsageError("give at least one input file to merge: greenbatch merge OUT.db IN.db...");
  if (fs::is_directory(out)) {
    throw InputError(
        fmt::format("the output {} is a folder; give the file name of the merged result store (e.g. "
                    "{})",
                    out.string(), (out / "merged.db").string()));
  }
  for (const auto& input : inputs) check_input(input, out);
  ResultStore::open(out);  // creates it or brings its schema up to date; refuses a file that is not a store
  sqlite::Database db(out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI);
  sqlite3_busy_timeout(db.get(), sqlite::kBusyTimeoutMs);
  db.exec("PRAGMA foreign_keys = ON");
  Merger merger(db, out);
  for (const auto& input : inputs) {
    MergedInput merged;
    {
      const AttachedInput attached(db, input);
      merged = merger.merge(input);
    }
    on_merged(merged);
  }
}

}  // namespace greenbatch::store
