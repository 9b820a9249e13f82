#pragma once
/// The SQLite result store of a study: one row per trial with its requests, batches and power
/// trace, each trial written in one transaction. It stores records; it computes nothing.

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "greenbatch/store/table.h"
#include "greenbatch/trial/trial_record.h"

namespace greenbatch::store {

namespace sqlite {
class Database;
}  // namespace sqlite

/// What save_trial writes besides the trial row.
struct SaveOptions {
  bool requests = true;         ///< one row per request
  bool batches = true;          ///< one row per batch
  bool power_trace = true;      ///< the power domains and every power sample
  bool replace_failed = false;  ///< a stored trial of the same id whose status is not ok is replaced
                                ///< (a study's retry); an ok one is never replaced
};

/// One study as the store holds it.
struct StudyRow {
  std::string study_id;     ///< the hash of its normalised configuration
  std::string name;         ///< its label
  std::string config_json;  ///< its normalised configuration (canonical JSON)
  std::string created_at;   ///< when it was first registered, UTC ISO 8601
};

/// The tables read_table exports, in the order they are listed to users.
inline constexpr std::array<std::string_view, 5> kExportTables{"trials", "requests", "batches", "studies",
                                                               "remote_requests"};

/// One stored power sample of a trial.
struct TracePoint {
  double time_s = 0.0;            ///< seconds, on the clock trace_clock names
  std::optional<double> total_w;  ///< total power over the domains that count; null when unknown
};

/// The clock a trial's stored power samples are on.
enum class TraceClock {
  trial,    ///< the trial's own clock (s since its start), like its requests and batches
  sampler,  ///< the sampler's epoch (trials stored before schema version 3): no common origin
};

/// An open result store file. Owns its SQLite connection; move-only. Not thread-safe: use one
/// per thread. Several processes may share a file (WAL journal, busy timeout).
class ResultStore {
 public:
  /// Opens `file`, creating it when missing, and brings its schema up to date. Throws
  /// InputError naming the file when it cannot be opened or created, is not a SQLite database,
  /// is another program's database, or was written by a newer greenbatch.
  static ResultStore open(const std::filesystem::path& file);
  /// Opens an existing store for reading only: never creates, migrates or writes it (so a
  /// read-only file or folder works). Throws InputError naming the file when it is missing, a
  /// folder, empty, not a result store, or newer than this greenbatch. An older schema is read as
  /// it is: columns a later version added read as absent.
  static ResultStore open_read_only(const std::filesystem::path& file);
  /// The store's schema version (PRAGMA user_version).
  [[nodiscard]] std::int64_t schema_version() const;

  /// Closes the connection.
  ~ResultStore();
  /// Takes over the connection of `other`, which is left empty.
  ResultStore(ResultStore&& other) noexcept;
  /// Closes this connection and takes over that of `other`.
  ResultStore& operator=(ResultStore&& other) noexcept;
  ResultStore(const ResultStore&) = delete;
  ResultStore& operator=(const ResultStore&) = delete;

  /// Writes one trial (its row, then what `options` asks for) in a single transaction: either
  /// all of it is stored or none. A trial_id already stored is an InputError; any other failure
  /// is an Error naming the trial.
  void save_trial(const trial::TrialRecord& record, const SaveOptions& options = {});

  /// Records `study` unless the store holds it already (a resume: nothing changes). A store
  /// holding another study is refused with an InputError unless `force`, which adds this one
  /// alongside.
  void register_study(const StudyRow& study, bool force);

  /// The ids of the stored trials of study `study_id` whose status is ok (each stored trial is
  /// complete: saved in one transaction), in the order they were saved. A failed trial is not
  /// among them, so a resumed study runs it again.
  [[nodiscard]] std::vector<std::string> completed_trial_ids(std::string_view study_id) const;

  /// The number of rows of `table` ("trials", "requests", "batches", "power_domains",
  /// "power_samples", "studies"); throws std::invalid_argument for any other name.
  [[nodiscard]] std::int64_t count(std::string_view table) const;

  /// Every row of `table` (one of kExportTables), for export. Columns: trials: its field table,
  /// then config_json and environment_json; requests and batches: trial_id, then their field
  /// table; studies: study_id, name, config_json, created_at. Rows in the order trials and
  /// studies were saved (requests and batches by id within their trial). With `study_id`, only
  /// that study's rows. Values keep the field tables' kinds (flags as true/false); throws
  /// UsageError naming the valid tables for any other name.
  [[nodiscard]] Table read_table(std::string_view table, std::optional<std::string> study_id = {}) const;

  /// The stored power trace of `trial_id`, in time order (empty when none was kept).
  [[nodiscard]] std::vector<TracePoint> power_trace(std::string_view trial_id) const;

  /// The clock the stored power samples of `trial_id` are on.
  [[nodiscard]] TraceClock trace_clock(std::string_view trial_id) const;

  /// The stored trials (all, or those of `study_id`) in the order they were saved, as typed
  /// records: id, status, configuration, environment, summary and study fields; their requests,
  /// batches and power trace are left empty (load_batches, power_trace). A column the record
  /// needs that the file lacks, or a value of the wrong kind, is an InputError naming the file,
  /// the column (and the trial).
  [[nodiscard]] std::vector<trial::TrialRecord> load_trials(std::optional<std::string> study_id = {}) const;

  /// The stored batches of `trial_id`, in dispatch order, on the trial's clock (empty when the
  /// batches were not kept).
  [[nodiscard]] std::vector<BatchRecord> load_batches(std::string_view trial_id) const;

 private:
  explicit ResultStore(std::unique_ptr<sqlite::Database> db);
  std::unique_ptr<sqlite::Database> db_;
};

}  // namespace greenbatch::store
