// Parsing arrival specs ("poisson:50", "trace:FILE,gaps", ...) into arrival processes.
#include <algorithm>
#include <array>
#include <filesystem>
#include <optional>
#include <span>
#include <vector>

#include <fmt/format.h>

#include "greenbatch/core/error.h"
#include "greenbatch/core/number.h"
#include "greenbatch/core/text.h"
#include "processes.h"

namespace greenbatch::workload {
namespace {

// One spec being parsed: its whole text, the syntax of its process, and the text after ':'.
struct Spec {
  std::string_view text;
  std::string_view syntax;
  std::string_view params;

  [[nodiscard]] UsageError error(std::string_view problem) const {
    return UsageError(fmt::format("arrival spec '{}': {}; use {}", text, problem, syntax));
  }

  [[nodiscard]] std::vector<std::string_view> split_params() const { return split(params, ','); }

  [[nodiscard]] std::vector<std::string_view> exactly(std::size_t count) const {
    auto parts = split_params();
    if (parts.size() != count) throw error(fmt::format("expected {} parameter(s), got {}", count, parts.size()));
    return parts;
  }

  // A number that must satisfy `ok`, described by `rule` when it does not.
  template <typename Ok>
  [[nodiscard]] double number(std::string_view name, std::string_view text_value, Ok ok, std::string_view rule) const {
    const auto value = to_real(text_value);
    if (!value || !ok(*value)) throw error(fmt::format("{} '{}' must be {}", name, text_value, rule));
    return *value;
  }

  [[nodiscard]] double positive(std::string_view name, std::string_view text_value) const {
    return number(
        name, text_value, [](double v) { return v > 0; }, "a positive number");
  }
};

std::unique_ptr<ArrivalProcess> parse_jitter(const Spec& spec, std::uint64_t seed) {
  const auto parts = spec.split_params();
  const double rate = spec.positive("RATE", parts.front());
  std::optional<double> spread;
  for (const auto part : std::span(parts).subspan(1)) {
    constexpr std::string_view kKey = "spread=";
    if (!part.starts_with(kKey)) throw spec.error(fmt::format("unknown parameter '{}'", part));
    if (spread) throw spec.error("spread is given twice");
    spread = spec.number(
        "spread", part.substr(kKey.size()), [](double v) { return v >= 0 && v < 1; }, "a number in [0, 1)");
  }
  return make_jitter(rate, spread.value_or(0.2), seed);
}

std::unique_ptr<ArrivalProcess> parse_poisson(const Spec& spec, std::uint64_t seed) {
  return make_poisson(spec.positive("RATE", spec.exactly(1).front()), seed);
}

std::unique_ptr<ArrivalProcess> parse_onoff(const Spec& spec, std::uint64_t seed) {
  const auto parts = spec.exactly(3);
  const double off_s = spec.number(
      "OFF_S", parts[2], [](double v) { return v >= 0; }, "a number >= 0");
  return make_onoff(spec.positive("RATE", parts[0]), spec.positive("ON_S", parts[1]), off_s, seed);
}

// The file name may hold commas when the spec ends with an explicit ",times" or ",gaps".
std::unique_ptr<ArrivalProcess> parse_trace(const Spec& spec, std::uint64_t /*seed*/) {
  auto file = spec.params;
  bool gaps = false;
  if (const auto comma = file.rfind(','); comma != std::string_view::npos) {
    const auto option = file.substr(comma + 1);
    if (option != "gaps" && option != "times") {
      throw spec.error(
          fmt::format("unknown trace option '{}' (only 'gaps' or 'times'; a file name with "
                      "',' needs one of them at the end)",
                      option));
    }
    gaps = option == "gaps";
    file = file.substr(0, comma);
  }
  if (file.empty()) throw spec.error("FILE is empty");
  return make_trace(std::filesystem::path(file), gaps);
}

struct Kind {
  std::string_view name;
  std::string_view syntax;
  std::unique_ptr<ArrivalProcess> (*parse)(const Spec&, std::uint64_t);
};

constexpr std::array<Kind, 4> kKinds{{
    {"jitter", "jitter:RATE[,spread=S] (gaps uniform in [1-S, 1+S]/RATE, S in [0, 1), default 0.2)", parse_jitter},
    {"poisson", "poisson:RATE (exponential gaps, mean 1/RATE)", parse_poisson},
    {"trace", "trace:FILE[,gaps] (one number of seconds per line: arrival times, or gaps with ',gaps')", parse_trace},
    {"onoff", "onoff:RATE,ON_S,OFF_S (Poisson at RATE for ON_S seconds, then OFF_S seconds silent)", parse_onoff},
}};

std::string valid_kinds() {
  std::string names;
  std::string syntaxes;
  for (const auto& kind : kKinds) {
    names += fmt::format("{}{}", names.empty() ? "" : ", ", kind.name);
    syntaxes += fmt::format("\n  {}", kind.syntax);
  }
  return names + ":" + syntaxes;
}

}  // namespace

std::unique_ptr<ArrivalProcess> make_arrival(std::string_view spec, std::uint64_t seed) {
  const auto colon = spec.find(':');
  const auto name = spec.substr(0, colon);
  const auto* const kind = std::ranges::find(kKinds, name, &Kind::name);
  if (kind == kKinds.end()) {
    throw UsageError(fmt::format("unknown arrival process '{}' in '{}'; valid: {}", name, spec, valid_kinds()));
  }
  const Spec parsed{spec, kind->syntax, colon == std::string_view::npos ? std::string_view{} : spec.substr(colon + 1)};
  if (parsed.params.empty()) throw parsed.error("parameters are missing");
  return kind->parse(parsed, seed);
}

}  // namespace greenbatch::workload
