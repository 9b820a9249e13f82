// The one number parser.
#include "greenbatch/core/number.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "greenbatch/core/error.h"

namespace greenbatch {

bool NumberRange::contains(double value) const {
  if (std::isnan(value)) return false;
  if (min && (min_open ? !(value > *min) : !(value >= *min))) return false;
  if (max && (max_open ? !(value < *max) : !(value <= *max))) return false;
  return true;
}

namespace {

// A bound as people write it: whole numbers in full (1000000, not 1e+06), others shortest.
std::string bound_text(double value) {
  if (value == std::floor(value) && std::abs(value) < 1e15) return fmt::format("{:.0f}", value);
  return fmt::format("{:g}", value);
}

}  // namespace

std::string NumberRange::describe() const {
  if (min && max) {
    if (!min_open && !max_open) return fmt::format("must be between {} and {}", bound_text(*min), bound_text(*max));
    return fmt::format("must be {} {} and {} {}", min_open ? ">" : ">=", bound_text(*min),
                       max_open ? "<" : "<=", bound_text(*max));
  }
  if (min) return fmt::format("must be {} {}", min_open ? ">" : ">=", bound_text(*min));
  if (max) return fmt::format("must be {} {}", max_open ? "<" : "<=", bound_text(*max));
  return "must be a finite number";
}

std::optional<double> to_real(std::string_view text) {
  if (text.starts_with('+')) text.remove_prefix(1);
  double value = 0.0;
  const auto* const end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::general);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<std::int64_t> to_integer(std::string_view text) {
  if (text.starts_with('+')) text.remove_prefix(1);
  std::int64_t value = 0;
  const auto* const end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value, 10);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

double check_real(double value, std::string_view what, const NumberRange& range) {
  if (!std::isfinite(value))
    throw UsageError(fmt::format("{}: {} is not a finite number; it {}", what, value, range.describe()));
  if (!range.contains(value)) throw UsageError(fmt::format("{} {}, not {:g}", what, range.describe(), value));
  return value;
}

double parse_real(std::string_view text, std::string_view what, const NumberRange& range) {
  const auto value = to_real(text);
  if (!value)
    throw UsageError(fmt::format("{}: '{}' is not a finite decimal number; it {}", what, text, range.describe()));
  if (!range.contains(*value)) throw UsageError(fmt::format("{} {}, not '{}'", what, range.describe(), text));
  return *value;
}

std::int64_t parse_integer(std::string_view text, std::string_view what, const NumberRange& range) {
  const auto value = to_integer(text);
  if (!value) {
    const bool digits = !text.empty() && text.find_first_not_of("+-0123456789") == std::string_view::npos;
    throw UsageError(fmt::format("{}: '{}' is {}; it {}", what, text,
                                 digits ? "outside the 64-bit integer range" : "not a whole decimal number",
                                 range.describe()));
  }
  if (!range.contains(static_cast<double>(*value))) {
    throw UsageError(fmt::format("{} {}, not '{}'", what, range.describe(), text));
  }
  return *value;
}

}  // namespace greenbatch
