#pragma once
/// Test helper: reading a result store the command wrote, without greenbatch's own code.

#include <filesystem>
#include <string>
#include <vector>

namespace greenbatch::testing {

/// The first column of every row of `sql` as text ("NULL" for null), read through a read-only
/// connection of its own (waiting up to 5 s for a writer); empty when `db` is not there.
std::vector<std::string> query(const std::filesystem::path& db, const std::string& sql);

/// The single number `sql` gives (e.g. a COUNT(*)); 0 when `db` is not there.
std::size_t query_count(const std::filesystem::path& db, const std::string& sql);

/// Runs `sql` (statements that return nothing) on `db` through a connection of its own; false with
/// SQLite's message in `error` when it fails.
bool execute(const std::filesystem::path& db, const std::string& sql, std::string& error);

}  // namespace greenbatch::testing
