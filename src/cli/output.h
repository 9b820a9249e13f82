#pragma once
/// Internal to cli: how results are printed (aligned table, JSON or CSV).

#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "greenbatch/store/table.h"

namespace greenbatch::cli {

/// Output format chosen with --json / --csv (table otherwise).
enum class Format { table, json, csv };

/// Picks the format from the two flags; throws UsageError if both are set.
Format pick_format(bool json, bool csv);

/// Prints `table` in `format`; the aligned terminal table shows only `columns` (all if empty),
/// reals with `decimals` digits after the point.
void print(std::ostream& out, const store::Table& table, Format format, const std::vector<std::string>& columns = {},
           int decimals = 2);

/// Refuses `option`'s file `out` (InputError) when it cannot be written, before any work, without
/// emptying a file already there or leaving a new one behind.
void check_output_writable(const std::filesystem::path& out, std::string_view option);

/// Prints each row of `table` as "column  value" lines (for a single trial).
void print_vertical(std::ostream& out, const store::Table& table, int decimals = 3);

}  // namespace greenbatch::cli
