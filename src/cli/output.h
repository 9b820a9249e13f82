#pragma once
/// Internal to cli: how results are printed (aligned table, JSON or CSV).

#include <ostream>
#include <string>
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

/// Prints each row of `table` as "column  value" lines (for a single trial).
void print_vertical(std::ostream& out, const store::Table& table, int decimals = 3);

}  // namespace greenbatch::cli
