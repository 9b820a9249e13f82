#pragma once
/// The result store's versioned schema: PRAGMA user_version holds the version, PRAGMA
/// application_id marks the file as greenbatch's, and ordered migrations bring an older store up
/// to date.

#include <cstdint>
#include <span>
#include <string_view>

#include "sqlite_handle.h"

namespace greenbatch::store::schema {

/// The PRAGMA application_id of every greenbatch result store ("GBRS" in ASCII).
inline constexpr std::int64_t kApplicationId = 0x47425253;

/// One step of the schema: the SQL that brings a store from the previous version to `version`.
struct Migration {
  std::int64_t version;  ///< user_version once applied (1, 2, ...)
  std::string_view sql;  ///< its statements, exactly as released
};

/// Every migration, oldest first.
[[nodiscard]] std::span<const Migration> migrations();

/// The schema version this build writes: the last migration's.
[[nodiscard]] std::int64_t latest_version();

/// The tables of the latest schema.
[[nodiscard]] std::span<const std::string_view> table_names();

/// Refuses, with an InputError naming the file and what to do, a file that is not a SQLite
/// database, another program's database, or a store of a newer schema; an empty database
/// passes. Reads only.
void check_owner(const sqlite::Database& db);

/// Applies, in order, every migration newer than the database's user_version, each in its own
/// transaction that also sets user_version and application_id. Safe against another process
/// migrating the same file at the same time.
void migrate(const sqlite::Database& db);

}  // namespace greenbatch::store::schema
