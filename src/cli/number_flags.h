#pragma once
/// Internal to cli: options whose values go through the one number parser (core/number.h), so
/// that "nan", "1e30" for a count, "010" or a value past the type's range are refused with a
/// message naming the flag and the rule, never silently clamped.

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>

#include "greenbatch/core/number.h"

namespace greenbatch::cli {

namespace detail {
template <class T>
struct Unwrapped {
  using type = T;
};
template <class T>
struct Unwrapped<std::optional<T>> {
  using type = T;
};

template <class T>
T parse_flag(const std::string& text, const std::string& flag, const NumberRange& range) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(parse_real(text, flag, range));
  } else {
    // Types narrower than 64 bits get their own bounds; wider values are refused by the parser.
    NumberRange bounded = range;
    if constexpr (sizeof(T) < sizeof(std::int64_t)) {
      if (!bounded.min || *bounded.min < static_cast<double>(std::numeric_limits<T>::lowest())) {
        bounded.min = static_cast<double>(std::numeric_limits<T>::lowest());
      }
      if (!bounded.max || *bounded.max > static_cast<double>(std::numeric_limits<T>::max())) {
        bounded.max = static_cast<double>(std::numeric_limits<T>::max());
      }
    } else if (std::is_unsigned_v<T> && (!bounded.min || *bounded.min < 0.0)) {
      bounded.min = 0.0;
    }
    return static_cast<T>(parse_integer(text, flag, bounded));
  }
}
}  // namespace detail

/// Adds `--name` reading a number within `range` into `target` (a number or an optional one).
/// The flag's current value is shown as its default when it has one.
template <class T>
CLI::Option* add_number_option(CLI::App& cmd, const std::string& name, T& target, const std::string& description,
                               const NumberRange& range) {
  using Value = typename detail::Unwrapped<T>::type;
  const std::string flag = name.substr(0, name.find(','));
  auto* option = cmd.add_option_function<std::string>(
      name, [&target, flag, range](const std::string& text) { target = detail::parse_flag<Value>(text, flag, range); },
      description + " (" + range.describe() + ")");
  if constexpr (std::is_arithmetic_v<T>) option->default_str(fmt::format("{}", target));
  return option;
}

}  // namespace greenbatch::cli
