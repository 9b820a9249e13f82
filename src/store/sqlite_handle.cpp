// RAII wrappers of SQLite's database and statement handles.
#include "sqlite_handle.h"

#include <fmt/format.h>

#include <algorithm>

namespace greenbatch::store::sqlite {
namespace {

// SQL is quoted in messages only as far as it identifies the statement.
std::string shorten(std::string_view sql) {
  constexpr std::size_t kMax = 80;
  const auto end = std::min(sql.find('\n'), kMax);
  return end < sql.size() ? std::string(sql.substr(0, end)) + "..." : std::string(sql);
}

// What to do about a failure with primary code `code`, or "" when there is no advice.
std::string_view advice(int code) {
  switch (code) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "another process is writing to this store; wait for it to finish (or stop it) and run again";
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return "the file is damaged or not a result store; restore it from a copy or give another file";
    case SQLITE_READONLY:
      return "the store (or its folder) is read-only; make it writable or give a writable copy";
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return "check that the path names a file (not a folder) that you may read and write";
    case SQLITE_FULL:
      return "the disk is full; free space and run again (what was stored before is intact)";
    default:
      return "";
  }
}

}  // namespace

Database::Database(const std::filesystem::path& file, int flags) : name_(file.string()) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(name_.c_str(), &raw, flags, nullptr);
  db_.reset(raw);  // sqlite3_open_v2 returns a handle to close even when it fails
  if (rc != SQLITE_OK) fail(rc, "open");
  sqlite3_extended_result_codes(raw, 1);
}

Database::~Database() = default;

void Database::exec(const std::string& sql) const {
  const int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(rc, sql);
}

std::int64_t Database::query_int(const std::string& sql) const {
  Statement query(*this, sql);
  if (!query.step()) fail(SQLITE_ERROR, sql);
  const auto value = query.column(0);
  if (!std::holds_alternative<std::int64_t>(value)) fail(SQLITE_MISMATCH, sql);
  return std::get<std::int64_t>(value);
}

ExitCode SqliteError::exit_code() const { return advice(primary_code()).empty() ? ExitCode::failure : ExitCode::input; }

void Database::fail(int code, std::string_view context) const {
  const char* message = db_ ? sqlite3_errmsg(db_.get()) : sqlite3_errstr(code);
  const auto fix = advice(code & 0xff);
  throw SqliteError(fmt::format("SQLite failed on {}: {} (in: {}){}{}", name_, message, shorten(context),
                                fix.empty() ? "" : "; ", fix),
                    code);
}

Statement::Statement(const Database& db, std::string_view sql) : db_(db), sql_(sql) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(db.get(), sql_.data(), static_cast<int>(sql_.size()), &raw, nullptr);
  stmt_.reset(raw);
  if (rc != SQLITE_OK) db_.fail(rc, sql_);
}

void Statement::bind(int index, const FieldValue& value) {
  sqlite3_stmt* stmt = stmt_.get();
  struct Visitor {
    sqlite3_stmt* stmt;
    int index;
    int operator()(std::monostate) const { return sqlite3_bind_null(stmt, index); }
    int operator()(std::int64_t v) const { return sqlite3_bind_int64(stmt, index, v); }
    int operator()(double v) const { return sqlite3_bind_double(stmt, index, v); }
    int operator()(const std::string& v) const {
      return sqlite3_bind_text64(stmt, index, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    }
    int operator()(bool v) const { return sqlite3_bind_int(stmt, index, v ? 1 : 0); }
  };
  const int rc = std::visit(Visitor{stmt, index}, value);
  if (rc != SQLITE_OK) db_.fail(rc, sql_);
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.fail(rc, sql_);
}

void Statement::run() {
  while (step()) {
  }
  sqlite3_reset(stmt_.get());
}

int Statement::column_count() const { return sqlite3_column_count(stmt_.get()); }

FieldValue Statement::column(int index) const {
  sqlite3_stmt* stmt = stmt_.get();
  switch (sqlite3_column_type(stmt, index)) {
    case SQLITE_NULL:
      return {};
    case SQLITE_INTEGER:
      return static_cast<std::int64_t>(sqlite3_column_int64(stmt, index));
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt, index);
    default: {
      const auto* text = sqlite3_column_text(stmt, index);
      if (text == nullptr) return std::string();  // an empty BLOB
      const auto bytes = static_cast<std::size_t>(sqlite3_column_bytes(stmt, index));
      return std::string(reinterpret_cast<const char*>(text), bytes);
    }
  }
}

Transaction::Transaction(const Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
  // Some errors (a full disk, an I/O error) already rolled the transaction back.
  if (!committed_ && sqlite3_get_autocommit(db_.get()) == 0) {
    sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  committed_ = true;
}

}  // namespace greenbatch::store::sqlite
