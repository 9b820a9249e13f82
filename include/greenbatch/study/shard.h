#pragma once
/// Shards of a study: the K-th of N deterministic, balanced parts of its shuffled design, chosen
/// by `--shard K/N` or by a Slurm job array's environment, and the `{shard}` / `{host}`
/// placeholders of a result file name.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "greenbatch/study/design.h"

namespace greenbatch::study {

/// One part of a study: `index` counts from 0 and is below `count`.
struct Shard {
  int index = 0;  ///< K, 0-based
  int count = 1;  ///< N, at least 1
  friend bool operator==(const Shard&, const Shard&) = default;
};

/// Parses "K/N" (0 <= K < N). Throws UsageError naming the text and the form expected.
Shard parse_shard(std::string_view text);

/// Reads an environment variable: its value, or nothing when it is unset.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;

/// The shard a Slurm job array task runs: index SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN (MIN
/// taken as 0 when unset) of SLURM_ARRAY_TASK_COUNT, or of MAX − MIN + 1 when COUNT is unset.
/// Nothing when SLURM_ARRAY_TASK_ID is unset (not an array task). Throws UsageError naming the
/// variable when a value is not a whole number or the task lies outside the array.
std::optional<Shard> shard_from_slurm(const EnvironmentLookup& lookup);

/// The trials of `plan` (a whole design in running order) that belong to `shard`: those whose
/// position modulo N is K, in their running order. Every trial falls in exactly one shard, shard
/// sizes differ by at most one, and ids and positions are those of the unsharded plan.
std::vector<PlannedTrial> select_shard(const std::vector<PlannedTrial>& plan, const Shard& shard);

/// `pattern` with every `{shard}` replaced by K and every `{host}` by `host`. Throws UsageError
/// for `{shard}` without a shard, or any other `{...}`, naming the pattern.
std::string expand_db_pattern(std::string_view pattern, const std::optional<Shard>& shard, std::string_view host);

}  // namespace greenbatch::study
