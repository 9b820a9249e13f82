#pragma once
/// The SQLite result store of a study: one row per trial with its requests, batches and power
/// trace, each trial written in one transaction. It stores records; it computes nothing.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "greenbatch/trial/trial_record.h"

namespace greenbatch::store {

namespace sqlite {
class Database;
}  // namespace sqlite

/// What save_trial writes besides the trial row.
struct SaveOptions {
  bool requests = true;     ///< one row per request
  bool batches = true;      ///< one row per batch
  bool power_trace = true;  ///< the power domains and every power sample
};

/// An open result store file. Owns its SQLite connection; move-only. Not thread-safe: use one
/// per thread. Several processes may share a file (WAL journal, busy timeout).
class ResultStore {
 public:
  /// Opens `file`, creating it when missing, and brings its schema up to date. Throws
  /// InputError naming the file when it cannot be opened or created, is not a SQLite database,
  /// is another program's database, or was written by a newer greenbatch.
  static ResultStore open(const std::filesystem::path& file);

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

  /// The ids of the stored trials, in the order they were saved.
  [[nodiscard]] std::vector<std::string> trial_ids() const;

  /// The number of rows of `table` ("trials", "requests", "batches", "power_domains",
  /// "power_samples"); throws std::invalid_argument for any other name.
  [[nodiscard]] std::int64_t count(std::string_view table) const;

 private:
  explicit ResultStore(std::unique_ptr<sqlite::Database> db);
  std::unique_ptr<sqlite::Database> db_;
};

}  // namespace greenbatch::store
