#pragma once
/// Records flattened into a table of named columns, and its CSV and JSON forms (the stable,
/// documented export formats: one column per field, null for values not measured).

#include <nlohmann/json_fwd.hpp>

#include <ostream>
#include <string>
#include <vector>

#include "greenbatch/core/fields.h"

namespace greenbatch::store {

/// Column names and rows of values, in field order.
struct Table {
  std::vector<std::string> columns;           ///< field names
  std::vector<std::vector<FieldValue>> rows;  ///< one row per record
};

/// Flattens records through their field table (`fields(const R*)`, found by ADL).
template <class R>
Table to_table(const std::vector<R>& records) {
  const auto table = fields(static_cast<const R*>(nullptr));
  Table out;
  for (const auto& f : table) out.columns.emplace_back(f.name);
  for (const auto& record : records) {
    auto& row = out.rows.emplace_back();
    for (const auto& f : table) row.push_back(f.get(record));
  }
  return out;
}

/// RFC 4180 CSV with a header line; null is an empty cell, flags are true/false, reals are
/// printed in their shortest round-trip form.
void write_csv(std::ostream& out, const Table& table);

/// A JSON array with one object per row (keys = column names, in column order); null stays
/// null, as do NaN and infinite reals.
nlohmann::ordered_json to_json(const Table& table);

/// Writes to_json(table), indented.
void write_json(std::ostream& out, const Table& table);

/// The text of one value as CSV writes it (empty for null).
std::string to_text(const FieldValue& value);

}  // namespace greenbatch::store
