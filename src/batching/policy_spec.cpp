// Parsing policy specs (fixed:B[,timeout=MS], greedy[:MAX], dynamic:MAX,DELAY_MS[,preferred=a|b]).
#include <charconv>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "greenbatch/core/error.h"
#include "greenbatch/core/text.h"
#include "policies.h"

namespace greenbatch::batching {
namespace {

constexpr const char* kValid =
    "valid policies: fixed:B[,timeout=MS], greedy[:MAX], dynamic:MAX,DELAY_MS[,preferred=a|b|c] "
    "(e.g. fixed:8, greedy:64, dynamic:16,5,preferred=4|8)";

[[noreturn]] void fail(std::string_view spec, const std::string& problem) {
  throw UsageError(fmt::format("policy '{}': {}; {}", spec, problem, kValid));
}

std::size_t parse_size(std::string_view spec, std::string_view what, std::string_view text) {
  std::size_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < 1) {
    fail(spec, fmt::format("{} must be a whole number >= 1, not '{}'", what, text));
  }
  return value;
}

double parse_ms(std::string_view spec, std::string_view what, std::string_view text) {
  const std::string copy(text);
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (copy.empty() || *end != '\0' || !(value >= 0.0) || value > 1e9) {
    fail(spec, fmt::format("{} must be milliseconds >= 0, not '{}'", what, text));
  }
  return value;
}

std::unique_ptr<Policy> make_fixed(std::string_view spec, const std::vector<std::string_view>& args) {
  if (args.empty() || args[0].empty()) fail(spec, "fixed needs a batch size B");
  const auto batch = parse_size(spec, "B", args[0]);
  std::optional<double> timeout;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (!args[i].starts_with("timeout=")) fail(spec, fmt::format("unknown parameter '{}'", args[i]));
    timeout = parse_ms(spec, "timeout", args[i].substr(8));
  }
  return std::make_unique<FixedPolicy>(batch, timeout);
}

std::unique_ptr<Policy> make_greedy(std::string_view spec, const std::vector<std::string_view>& args) {
  if (args.size() > 1) fail(spec, "greedy takes at most one parameter, MAX");
  return std::make_unique<GreedyPolicy>(args.empty() ? 256 : parse_size(spec, "MAX", args[0]));
}

std::unique_ptr<Policy> make_dynamic(std::string_view spec, const std::vector<std::string_view>& args) {
  if (args.size() < 2) fail(spec, "dynamic needs MAX and DELAY_MS");
  const auto max = parse_size(spec, "MAX", args[0]);
  const auto delay = parse_ms(spec, "DELAY_MS", args[1]);
  std::vector<std::size_t> preferred;
  for (std::size_t i = 2; i < args.size(); ++i) {
    if (!args[i].starts_with("preferred=")) fail(spec, fmt::format("unknown parameter '{}'", args[i]));
    for (const auto size : split(args[i].substr(10), '|')) {
      const auto p = parse_size(spec, "a preferred size", size);
      if (p > max) fail(spec, fmt::format("preferred size {} is above MAX {}", p, max));
      preferred.push_back(p);
    }
  }
  return std::make_unique<DynamicPolicy>(max, delay, std::move(preferred));
}

}  // namespace

std::unique_ptr<Policy> make_policy(std::string_view spec) {
  const auto colon = spec.find(':');
  const auto name = spec.substr(0, colon);
  std::vector<std::string_view> args;
  if (colon != std::string_view::npos) args = split(spec.substr(colon + 1), ',');
  if (name == "fixed") return make_fixed(spec, args);
  if (name == "greedy") return make_greedy(spec, args);
  if (name == "dynamic") return make_dynamic(spec, args);
  fail(spec, fmt::format("unknown policy '{}'", name));
}

}  // namespace greenbatch::batching
