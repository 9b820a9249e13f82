#pragma once
/// A small RAII layer over SQLite's C API: a database handle, prepared statements and a write
/// transaction. Not thread-safe: one connection per thread (SQLite's own locking handles
/// processes).

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "greenbatch/core/error.h"
#include "greenbatch/core/fields.h"

namespace greenbatch::store::sqlite {

/// How long a connection waits for another process's write lock before failing (SQLITE_BUSY).
inline constexpr int kBusyTimeoutMs = 10'000;

/// A failed SQLite call; the message names the database and what was being done.
class SqliteError : public Error {
 public:
  /// `code` is SQLite's extended result code.
  SqliteError(const std::string& message, int code) : Error(message), code_(code) {}
  /// SQLite's primary result code (SQLITE_NOTADB, SQLITE_CANTOPEN, ...).
  [[nodiscard]] int primary_code() const { return code_ & 0xff; }
  /// A store that is locked, corrupt, read-only or unreadable is the user's input to fix (exit 3);
  /// anything else is unexpected.
  [[nodiscard]] ExitCode exit_code() const override;

 private:
  int code_;
};

/// An open connection; closes it on destruction. Neither copied nor moved, so statements may
/// keep a reference to it.
class Database {
 public:
  /// Opens `file` with sqlite3_open_v2 `flags`; throws SqliteError when it cannot.
  Database(const std::filesystem::path& file, int flags);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  /// The raw handle, owned by this object.
  [[nodiscard]] sqlite3* get() const { return db_.get(); }
  /// The file as it was given to the constructor (used in messages).
  [[nodiscard]] const std::string& name() const { return name_; }
  /// Runs one or more SQL statements that return nothing of interest.
  void exec(const std::string& sql) const;
  /// Runs a query whose first row's first column is an integer (PRAGMA user_version, COUNT(*)).
  [[nodiscard]] std::int64_t query_int(const std::string& sql) const;
  /// Throws SqliteError for result code `code`, with SQLite's message and `context` (the SQL).
  [[noreturn]] void fail(int code, std::string_view context) const;

 private:
  struct Close {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
  };
  std::string name_;
  std::unique_ptr<sqlite3, Close> db_;
};

/// A prepared statement, reusable: bind, step until done, and run() again. Must not outlive its
/// Database.
class Statement {
 public:
  /// Prepares one SQL statement; throws SqliteError on a syntax error or unknown column.
  Statement(const Database& db, std::string_view sql);

  /// Binds parameter `index` (1-based): null → NULL, integer, real, text, flag → 0/1.
  void bind(int index, const FieldValue& value);
  /// Steps once: true when a row is ready, false when done.
  bool step();
  /// Steps to the end (an INSERT), then resets so that the statement can be bound again.
  void run();
  /// The number of columns of a result row.
  [[nodiscard]] int column_count() const;
  /// Column `index` (0-based) of the current row: NULL → null, INTEGER → integer, REAL → real,
  /// TEXT (and BLOB) → text.
  [[nodiscard]] FieldValue column(int index) const;

 private:
  struct Finalize {
    void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
  };
  const Database& db_;
  std::string sql_;
  std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
};

/// BEGIN IMMEDIATE on construction (takes the write lock at once, so no later lock upgrade can
/// fail); ROLLBACK on destruction unless commit() succeeded.
class Transaction {
 public:
  /// Begins the transaction.
  explicit Transaction(const Database& db);
  /// Rolls back unless committed; never throws.
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  /// Commits; on failure the destructor rolls back.
  void commit();

 private:
  const Database& db_;
  bool committed_ = false;
};

}  // namespace greenbatch::store::sqlite
