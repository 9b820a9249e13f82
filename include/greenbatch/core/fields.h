#pragma once
/// Records are plain structs described once by a table of fields (name, unit, meaning, getter);
/// CSV, JSON and terminal tables all read that one table.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace greenbatch {

/// One value of a record: null (not measured), integer, real, text or flag.
using FieldValue = std::variant<std::monostate, std::int64_t, double, std::string, bool>;

/// Describes one column of record type R.
template <class R>
struct Field {
  std::string_view name;         ///< stable column name (snake_case, unit suffix where it has one)
  std::string_view unit;         ///< unit ("ms", "J", "images/s", "" when none)
  std::string_view description;  ///< one line for documentation and --help
  FieldValue (*get)(const R&);   ///< reads the value from a record
};

/// The value of an optional member: null when absent.
template <class T>
FieldValue optional_value(const std::optional<T>& value) {
  return value ? FieldValue{*value} : FieldValue{};
}

/// The field table of R; each record type provides `std::span<const Field<R>> fields(const R*)`.
template <class R>
using FieldTable = std::span<const Field<R>>;

}  // namespace greenbatch
