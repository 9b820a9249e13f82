// `greenbatch merge`: shard result stores into one, one transaction per input.
#include <fmt/format.h>

#include <filesystem>

#include "commands.h"
#include "greenbatch/store/merge.h"
#include "greenbatch/store/result_store.h"

namespace greenbatch::cli {

void add_merge_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("merge",
                                 "Merge result stores (e.g. the shards of a study) into OUT.db; idempotent, one "
                                 "transaction per input, a trial stored differently in two files is refused");
  struct Flags {
    std::string out;
    std::vector<std::string> inputs;
  };
  auto flags = std::make_shared<Flags>();
  cmd->add_option("out", flags->out, "the merged result store (created when missing)")->required();
  cmd->add_option("inputs", flags->inputs, "the result stores to merge into it, in order")->required();
  cmd->callback([flags] {
    const std::vector<std::filesystem::path> inputs(flags->inputs.begin(), flags->inputs.end());
    store::merge_stores(flags->out, inputs, [](const store::MergedInput& m) {
      fmt::print(
          "{}: {} trials added ({} requests, {} batches, {} power samples), {} already present, {} studies "
          "added\n",
          m.file.string(), m.trials, m.requests, m.batches, m.power_samples, m.trials_present, m.studies);
    });
    const auto merged = store::ResultStore::open(flags->out);
    fmt::print("{} now holds {} trials of {} studies\n", flags->out, merged.count("trials"), merged.count("studies"));
  });
}

}  // namespace greenbatch::cli
