#pragma once
// Parsing one decimal number, shared by spec parsing and trace reading.

#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>

namespace greenbatch::workload {

/// The finite number that is the whole of `text` (e.g. "50", "0.2", "1e-3"), else nullopt.
inline std::optional<double> parse_number(std::string_view text) {
  double value = 0.0;
  const auto* const end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

}  // namespace greenbatch::workload
