#pragma once
/// The one number parser: the whole text, decimal only ("010" is ten, never octal), finite,
/// never silently clamped. Spec parsers, traces, TOML values and command-line flags all use it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace greenbatch {

/// Bounds a number must respect; open or closed at each end, or unbounded.
struct NumberRange {
  std::optional<double> min;  ///< lower bound (none: unbounded)
  bool min_open = false;      ///< true: the value must be > min (else >= min)
  std::optional<double> max;  ///< upper bound (none: unbounded)
  bool max_open = false;      ///< true: the value must be < max (else <= max)

  /// Values > `bound` (e.g. a rate, a duration).
  static NumberRange above(double bound) { return {bound, true, std::nullopt, false}; }
  /// Values >= `bound`.
  static NumberRange at_least(double bound) { return {bound, false, std::nullopt, false}; }
  /// Values in [lo, hi].
  static NumberRange between(double lo, double hi) { return {lo, false, hi, false}; }

  /// Whether `value` lies inside (NaN never does).
  [[nodiscard]] bool contains(double value) const;
  /// The rule in words, with short numbers: "must be > 0", "must be between 1 and 4096".
  [[nodiscard]] std::string describe() const;
};

/// The finite decimal number that is the whole of `text` ("50", "0.2", "1e-3"); nullopt for
/// anything else (empty, trailing text, "nan", "inf", hex, out of double's range).
std::optional<double> to_real(std::string_view text);

/// The decimal integer that is the whole of `text` ("10", "-3", "010" = 10); nullopt for anything
/// else, including a value outside int64 (never clamped) and a fraction ("1.5", "1e3").
std::optional<std::int64_t> to_integer(std::string_view text);

/// to_real() inside `range`; otherwise throws UsageError "WHAT: 'TEXT' is not a number" or
/// "WHAT must be > 0, not 'TEXT'". `what` names the input (a flag, a spec key, a TOML key).
double parse_real(std::string_view text, std::string_view what, const NumberRange& range = {});

/// to_integer() inside `range`; otherwise throws UsageError naming `what` and the rule.
std::int64_t parse_integer(std::string_view text, std::string_view what, const NumberRange& range = {});

/// Throws UsageError naming `what` unless `value` is finite and inside `range` (for numbers that
/// arrive already typed, e.g. from TOML).
double check_real(double value, std::string_view what, const NumberRange& range = {});

}  // namespace greenbatch
