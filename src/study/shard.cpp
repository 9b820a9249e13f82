// Shards of a study: parsing K/N, reading a Slurm array task's environment, selecting a shard's
// trials and expanding the placeholders of a result file name.
#include "greenbatch/study/shard.h"

#include <fmt/format.h>

#include <charconv>

#include "greenbatch/core/error.h"

namespace greenbatch::study {
namespace {

// The whole number that is all of `text`, else nothing.
std::optional<long long> whole_number(std::string_view text) {
  long long value = 0;
  const auto* const end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

constexpr long long kMaxShards = 1'000'000;

}  // namespace

Shard parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  const auto k = whole_number(text.substr(0, slash));
  const auto n = slash == std::string_view::npos ? std::nullopt : whole_number(text.substr(slash + 1));
  if (!k || !n) {
    throw UsageError(
        fmt::format("--shard '{}' is not of the form K/N (two whole numbers, e.g. 0/4 for the first of "
                    "four shards)",
                    text));
  }
  if (*n < 1 || *n > kMaxShards) {
    throw UsageError(
        fmt::format("--shard '{}': the number of shards N must be at least 1 (and at most {})", text, kMaxShards));
  }
  if (*k < 0 || *k >= *n) {
    throw UsageError(
        fmt::format("--shard '{}': K counts from 0, so it must be between 0 and {} for N = {}", text, *n - 1, *n));
  }
  return {static_cast<int>(*k), static_cast<int>(*n)};
}

std::optional<Shard> shard_from_slurm(const EnvironmentLookup& lookup) {
  const auto number = [&](const std::string& name) -> std::optional<long long> {
    const auto text = lookup(name);
    if (!text) return std::nullopt;
    const auto value = whole_number(*text);
    if (!value || *value < 0 || *value > kMaxShards) {
      throw UsageError(
          fmt::format("the environment variable {}='{}' is not a whole number from 0 to {}; run inside a "
                      "Slurm job array or give --shard K/N",
                      name, *text, kMaxShards));
    }
    return value;
  };
  const auto id = number("SLURM_ARRAY_TASK_ID");
  if (!id) return std::nullopt;
  const auto min = number("SLURM_ARRAY_TASK_MIN").value_or(0);
  auto count = number("SLURM_ARRAY_TASK_COUNT");
  if (!count) {
    const auto max = number("SLURM_ARRAY_TASK_MAX");
    if (!max) {
      throw UsageError(
          "SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MAX is, so "
          "the number of shards is unknown; give --shard K/N");
    }
    count = *max - min + 1;
  }
  if (*id < min || *id - min >= *count) {
    throw UsageError(
        fmt::format("Slurm array task {} lies outside the array (first task {}, {} tasks); submit the "
                    "study as --array=0-{} or give --shard K/N",
                    *id, min, *count, *count - 1));
  }
  return Shard{static_cast<int>(*id - min), static_cast<int>(*count)};
}

std::vector<PlannedTrial> select_shard(const std::vector<PlannedTrial>& plan, const Shard& shard) {
  std::vector<PlannedTrial> part;
  for (const auto& trial : plan) {
    if (trial.position % shard.count == shard.index) part.push_back(trial);
  }
  return part;
}

std::string expand_db_pattern(std::string_view pattern, const std::optional<Shard>& shard, std::string_view host) {
  std::string out;
  std::size_t at = 0;
  while (at < pattern.size()) {
    const auto open = pattern.find('{', at);
    out += pattern.substr(at, open - at);
    if (open == std::string_view::npos) break;
    const auto close = pattern.find('}', open);
    const auto name = pattern.substr(open, close == std::string_view::npos ? close : close - open + 1);
    if (name == "{shard}" && shard) {
      out += std::to_string(shard->index);
    } else if (name == "{host}") {
      out += host;
    } else if (name == "{shard}") {
      throw UsageError(
          fmt::format("--db '{}' contains {{shard}} but no shard is selected; give --shard K/N or run "
                      "inside a Slurm job array",
                      pattern));
    } else {
      throw UsageError(
          fmt::format("--db '{}' contains '{}'; the only placeholders are {{shard}} and {{host}}", pattern, name));
    }
    at = open + name.size();
  }
  return out;
}

}  // namespace greenbatch::study
