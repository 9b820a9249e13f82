#pragma once
/// Internal to cli: the decision trace of run and simulate (--decisions FILE): why the policy
/// dispatched each batch.

#include <string>
#include <vector>

#include "greenbatch/batching/policy.h"
#include "greenbatch/core/request.h"

namespace CLI {
class App;
}  // namespace CLI

namespace greenbatch::cli {

/// Adds --decisions FILE to `cmd`.
void add_decisions_flag(CLI::App& cmd, std::string& path);

/// Writes one CSV row per batch to `path` (batch_id, dispatch_s, size, reason) and prints the
/// count of each reason to stderr. Throws InputError when the file cannot be written.
void write_decision_trace(const std::string& path, const std::vector<BatchRecord>& batches,
                          const std::vector<batching::DispatchReason>& reasons);

}  // namespace greenbatch::cli
