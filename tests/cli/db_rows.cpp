// Reading result stores in end-to-end tests through SQLite's C API.
#include "cli/db_rows.h"

#include <sqlite3.h>

namespace greenbatch::testing {

std::vector<std::string> query(const std::filesystem::path& db, const std::string& sql) {
  std::vector<std::string> rows;
  if (!std::filesystem::exists(db)) return rows;
  sqlite3* handle = nullptr;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(handle);
    return rows;
  }
  sqlite3_busy_timeout(handle, 5000);
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK) {
    while (sqlite3_step(statement) == SQLITE_ROW) {
      const auto* text = sqlite3_column_text(statement, 0);
      rows.emplace_back(text ? reinterpret_cast<const char*>(text) : "NULL");
    }
  }
  sqlite3_finalize(statement);
  sqlite3_close(handle);
  return rows;
}

std::size_t query_count(const std::filesystem::path& db, const std::string& sql) {
  const auto rows = query(db, sql);
  return rows.empty() ? 0 : std::stoul(rows[0]);
}

bool execute(const std::filesystem::path& db, const std::string& sql, std::string& error) {
  sqlite3* handle = nullptr;
  bool ok = sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK;
  if (ok) {
    sqlite3_busy_timeout(handle, 5000);
    ok = sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  if (!ok) error = sqlite3_errmsg(handle);
  sqlite3_close(handle);
  return ok;
}

}  // namespace greenbatch::testing
