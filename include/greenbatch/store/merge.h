#pragma once
/// Merging result store files (the shards of a study run on several machines) into one: studies,
/// trials, requests, batches and power traces, one transaction per input file.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <vector>

namespace greenbatch::store {

/// What merging one input file added to the output.
struct MergedInput {
  std::filesystem::path file;       ///< the input
  std::int64_t studies = 0;         ///< studies added (those already in the output are kept as they are)
  std::int64_t trials = 0;          ///< trials added
  std::int64_t trials_present = 0;  ///< trials the output already held with the same contents (skipped)
  std::int64_t requests = 0;        ///< request rows added
  std::int64_t batches = 0;         ///< batch rows added
  std::int64_t power_samples = 0;   ///< power sample rows added
};

/// Called after each input's transaction has committed.
using MergeObserver = std::function<void(const MergedInput&)>;

/// Copies every study and trial (with its requests, batches, power domains and samples) of each
/// of `inputs`, in order, into the result store `out` (created when missing), each input in one
/// transaction: a crash leaves `out` holding whole inputs only, and merging again completes it.
/// Idempotent: a trial `out` already holds with the same contents is skipped. Trials keep their
/// ids; their running order in `out` is the order they are merged in.
/// Before writing anything, every input is checked and opened read-only (inputs are never
/// changed): a missing input, a directory, `out` itself, or a file that is not a greenbatch store
/// or was written by a newer greenbatch is an InputError naming it. A trial found with different
/// contents in an input and in `out` is an InputError naming the trial and both files; that
/// input's transaction is rolled back (inputs merged before it stay merged). `on_merged` is called
/// after each input is committed.
void merge_stores(const std::filesystem::path& out, const std::vector<std::filesystem::path>& inputs,
                  const MergeObserver& on_merged);

}  // namespace greenbatch::store
