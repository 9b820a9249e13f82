#pragma once
/// JSON for optional values: the value, or null when it is absent.

#include <optional>

#include <nlohmann/json.hpp>

namespace greenbatch {

/// `value` as JSON, null when empty (ordered_json, so documents keep their key order).
template <class T>
nlohmann::ordered_json json_or_null(const std::optional<T>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json();
}

}  // namespace greenbatch
