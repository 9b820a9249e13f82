// Parsing and printing policy specs (see kPolicySyntax).
#include "greenbatch/batching/policy_spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "greenbatch/core/error.h"
#include "greenbatch/core/number.h"
#include "greenbatch/core/text.h"

namespace greenbatch::batching {
namespace {

constexpr std::array<std::pair<std::string_view, PolicyFamily>, 4> kFamilies{{{"fixed", PolicyFamily::fixed},
                                                                              {"greedy", PolicyFamily::greedy},
                                                                              {"dynamic", PolicyFamily::dynamic},
                                                                              {"slo", PolicyFamily::slo}}};

[[noreturn]] void fail(std::string_view spec, const std::string& problem) {
  throw UsageError(
      fmt::format("policy '{}': {}; valid policies: {} (e.g. fixed:8, greedy:64, "
                  "dynamic:16,5,preferred=4|8, slo:100,max=16)",
                  spec, problem, kPolicySyntax));
}

std::size_t parse_size(std::string_view spec, std::string_view what, std::string_view text) {
  const auto value = to_integer(text);
  if (!value || *value < 1) fail(spec, fmt::format("{} must be a whole number >= 1, not '{}'", what, text));
  return static_cast<std::size_t>(*value);
}

double parse_number(std::string_view spec, std::string_view what, std::string_view text) {
  const auto value = to_real(text);
  if (!value) fail(spec, fmt::format("{} must be a number, not '{}'", what, text));
  return *value;
}

double parse_ms(std::string_view spec, std::string_view what, std::string_view text) {
  const double value = parse_number(spec, what, text);
  if (!(value >= 0.0) || value > 1e9) fail(spec, fmt::format("{} must be milliseconds >= 0, not '{}'", what, text));
  return value;
}

// The value of a `key=value` parameter, or null when `arg` is not that key.
std::optional<std::string_view> value_of(std::string_view arg, std::string_view key) {
  if (arg.size() <= key.size() || !arg.starts_with(key) || arg[key.size()] != '=') return std::nullopt;
  return arg.substr(key.size() + 1);
}

PolicySpec parse_fixed(std::string_view text, const std::vector<std::string_view>& args) {
  if (args.empty() || args[0].empty()) fail(text, "fixed needs a batch size B");
  PolicySpec spec{.family = PolicyFamily::fixed, .batch = parse_size(text, "B", args[0])};
  for (std::size_t i = 1; i < args.size(); ++i) {
    const auto timeout = value_of(args[i], "timeout");
    if (!timeout) fail(text, fmt::format("unknown parameter '{}'", args[i]));
    // "inf" (stored by earlier versions) is no timeout at all.
    spec.delay_ms = *timeout == "inf" ? std::nullopt : std::optional(parse_ms(text, "timeout", *timeout));
  }
  return spec;
}

PolicySpec parse_greedy(std::string_view text, const std::vector<std::string_view>& args) {
  if (args.size() > 1) fail(text, "greedy takes at most one parameter, MAX");
  return {.family = PolicyFamily::greedy, .batch = args.empty() ? kDefaultMaxBatch : parse_size(text, "MAX", args[0])};
}

PolicySpec parse_dynamic(std::string_view text, const std::vector<std::string_view>& args) {
  if (args.size() < 2) fail(text, "dynamic needs MAX and DELAY_MS");
  PolicySpec spec{.family = PolicyFamily::dynamic,
                  .batch = parse_size(text, "MAX", args[0]),
                  .delay_ms = parse_ms(text, "DELAY_MS", args[1])};
  for (std::size_t i = 2; i < args.size(); ++i) {
    const auto list = value_of(args[i], "preferred");
    if (!list) fail(text, fmt::format("unknown parameter '{}'", args[i]));
    for (const auto size : split(*list, '|')) {
      const auto p = parse_size(text, "a preferred size", size);
      if (p > *spec.batch) fail(text, fmt::format("preferred size {} is above MAX {}", p, *spec.batch));
      spec.preferred.push_back(p);
    }
  }
  std::ranges::sort(spec.preferred);
  const auto [first, last] = std::ranges::unique(spec.preferred);
  spec.preferred.erase(first, last);
  return spec;
}

PolicySpec parse_slo(std::string_view text, const std::vector<std::string_view>& args) {
  if (args.empty() || args[0].empty()) fail(text, "slo needs the objective MS (each request's deadline: arrival + MS)");
  PolicySpec spec{.family = PolicyFamily::slo};
  spec.slo_ms = parse_number(text, "MS", args[0]);
  if (!(spec.slo_ms > 0.0)) fail(text, fmt::format("MS must be > 0 milliseconds, not '{}'", args[0]));
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (const auto max = value_of(args[i], "max")) {
      spec.batch = parse_size(text, "max", *max);
    } else if (const auto q = value_of(args[i], "quantile")) {
      spec.quantile = parse_number(text, "quantile", *q);
      if (!(spec.quantile > 0.0 && spec.quantile < 1.0)) {
        fail(text, fmt::format("quantile must be in (0, 1), e.g. 0.95, not '{}'", *q));
      }
    } else if (const auto margin = value_of(args[i], "margin")) {
      spec.margin_ms = parse_ms(text, "margin", *margin);
    } else {
      fail(text, fmt::format("unknown parameter '{}' (slo takes max=, quantile=, margin=)", args[i]));
    }
  }
  if (spec.margin_ms >= spec.slo_ms) {
    fail(text, fmt::format("margin {:g} ms leaves no time before the deadline of {:g} ms; use a margin below MS",
                           spec.margin_ms, spec.slo_ms));
  }
  return spec;
}

}  // namespace

std::string_view to_string(PolicyFamily family) {
  for (const auto& [name, f] : kFamilies) {
    if (f == family) return name;
  }
  return "unknown";
}

PolicyFamily parse_policy_family(std::string_view name) {
  for (const auto& [n, f] : kFamilies) {
    if (n == name) return f;
  }
  throw UsageError(fmt::format("unknown policy family '{}'; valid families: fixed, greedy, dynamic, slo", name));
}

PolicySpec PolicySpec::parse(std::string_view text) {
  const auto colon = text.find(':');
  const auto name = text.substr(0, colon);
  std::vector<std::string_view> args;
  if (colon != std::string_view::npos) args = split(text.substr(colon + 1), ',');
  if (name == "fixed") return parse_fixed(text, args);
  if (name == "greedy") return parse_greedy(text, args);
  if (name == "dynamic") return parse_dynamic(text, args);
  if (name == "slo") return parse_slo(text, args);
  fail(text, fmt::format("unknown policy '{}'", name));
}

std::string PolicySpec::to_string() const {
  switch (family) {
    case PolicyFamily::fixed:
      return delay_ms ? fmt::format("fixed:{},timeout={:g}", *batch, *delay_ms) : fmt::format("fixed:{}", *batch);
    case PolicyFamily::greedy:
      return fmt::format("greedy:{}", max_batch());
    case PolicyFamily::dynamic: {
      std::string s = fmt::format("dynamic:{},{:g}", *batch, delay_ms.value_or(0.0));
      if (!preferred.empty()) s += fmt::format(",preferred={}", fmt::join(preferred, "|"));
      return s;
    }
    case PolicyFamily::slo: {
      std::string s = fmt::format("slo:{:g}", slo_ms);
      if (batch) s += fmt::format(",max={}", *batch);
      if (quantile != ServiceEstimate::kDefaultQuantile) s += fmt::format(",quantile={:g}", quantile);
      if (margin_ms != 0.0) s += fmt::format(",margin={:g}", margin_ms);
      return s;
    }
  }
  return "unknown";
}

}  // namespace greenbatch::batching
