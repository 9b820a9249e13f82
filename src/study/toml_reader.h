#pragma once
/// Typed access to a study's TOML file with command-line overrides on top, each value paired with
/// where it was written so that errors can name the file, line and key. toml++ stays inside
/// toml_reader.cpp.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "greenbatch/core/error.h"

namespace greenbatch::study {

/// A value read from the study, with where it was written: "FILE:LINE:COL" or "override 'K=V'".
template <typename T>
struct Located {
  T value;            ///< the value
  std::string where;  ///< its place, for error messages
};

/// The error for a bad value: "WHERE: key 'KEY': PROBLEM".
InputError key_error(std::string_view where, std::string_view key, std::string_view problem);

/// A parsed study file and its overrides ("KEY=VALUE", VALUE in TOML syntax); an override replaces
/// the file's value of its key. Reads are const; one reader serves one load on one thread.
class TomlReader {
 public:
  /// Parses `file` (InputError for a missing file or a TOML syntax error, with file:line:col) and
  /// each override (UsageError for one without '=' or whose value is not TOML).
  TomlReader(const std::filesystem::path& file, const std::vector<std::string>& overrides);
  /// Frees the parsed documents.
  ~TomlReader();
  TomlReader(const TomlReader&) = delete;
  TomlReader& operator=(const TomlReader&) = delete;

  /// The file as named to the constructor: where a missing key is reported.
  [[nodiscard]] const std::string& file() const;
  /// Throws InputError for the first key (file first, then overrides) that is not in `known`,
  /// suggesting the closest known key.
  void reject_unknown(std::span<const std::string_view> known) const;
  /// Whether `key` is set.
  [[nodiscard]] bool has(std::string_view key) const;
  /// A string, or nullopt when absent; InputError for another type.
  [[nodiscard]] std::optional<Located<std::string>> string(std::string_view key) const;
  /// An integer, or nullopt when absent; InputError for another type.
  [[nodiscard]] std::optional<Located<std::int64_t>> integer(std::string_view key) const;
  /// A number (integers accepted), or nullopt when absent; InputError for another type.
  [[nodiscard]] std::optional<Located<double>> number(std::string_view key) const;
  /// A boolean, or nullopt when absent; InputError for another type.
  [[nodiscard]] std::optional<Located<bool>> boolean(std::string_view key) const;
  /// A non-empty array of strings, or nullopt when absent; InputError for another type, an entry
  /// of another type, or an empty array.
  [[nodiscard]] std::optional<std::vector<Located<std::string>>> strings(std::string_view key) const;
  /// A non-empty array of numbers (integers accepted), or nullopt when absent; InputError as for
  /// strings().
  [[nodiscard]] std::optional<std::vector<Located<double>>> numbers(std::string_view key) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace greenbatch::study
