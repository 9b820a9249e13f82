// The decision trace: a CSV of every batch with the reason it was dispatched.
#include "decision_trace.h"

#include <fmt/format.h>
#include <fmt/os.h>

#include <CLI/CLI.hpp>
#include <cassert>
#include <map>

#include "greenbatch/core/error.h"

namespace greenbatch::cli {

void add_decisions_flag(CLI::App& cmd, std::string& path) {
  cmd.add_option("--decisions", path,
                 "write why each batch was dispatched (full, deadline, late, closed, timeout, preferred, ready) "
                 "to this CSV file");
}

void write_decision_trace(const std::string& path, const std::vector<BatchRecord>& batches,
                          const std::vector<batching::DispatchReason>& reasons) {
  assert(batches.size() == reasons.size());
  std::map<std::string_view, int> counts;
  try {
    auto out = fmt::output_file(path);
    out.print("batch_id,dispatch_s,size,reason\n");
    for (std::size_t i = 0; i < batches.size(); ++i) {
      const auto reason = batching::to_string(reasons[i]);
      out.print("{},{:.9g},{},{}\n", batches[i].id, batches[i].dispatch_s, batches[i].size, reason);
      ++counts[reason];
    }
  } catch (const std::system_error& e) {
    throw InputError(fmt::format("--decisions {}: cannot write the file ({}); give a writable path", path, e.what()));
  }
  std::string summary;
  for (const auto& [reason, n] : counts) summary += fmt::format("{}{} {}", summary.empty() ? "" : ", ", reason, n);
  fmt::print(stderr, "decisions: {} batches ({}) written to {}\n", batches.size(), summary, path);
}

}  // namespace greenbatch::cli
