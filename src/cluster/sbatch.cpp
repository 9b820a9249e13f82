// Submitting a batch script with sbatch and reading the job id it prints.
#include "greenbatch/cluster/sbatch.h"

#include <fmt/format.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <memory>
#include <regex>

#include "greenbatch/core/error.h"
#include "shell_quote.h"

namespace greenbatch::cluster {

std::string submit(const std::filesystem::path& script, const std::vector<std::string>& sbatch_args) {
  std::string command = "sbatch --parsable";
  for (const auto& arg : sbatch_args) command += fmt::format(" {}", shell_quote(arg));
  command += fmt::format(" {} 2>&1", shell_quote(script.string()));
  std::string output;
  int status = -1;
  {
    const auto close = [&status](FILE* pipe) { status = pclose(pipe); };
    std::unique_ptr<FILE, decltype(close)> pipe(popen(command.c_str(), "r"), close);
    if (!pipe) throw Error(fmt::format("cannot start sbatch to submit {}", script.string()));
    std::array<char, 4096> buffer{};
    while (const auto n = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) output.append(buffer.data(), n);
  }
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
  if (code == 127) {
    throw UnsupportedError(
        fmt::format("sbatch was not found, so {} cannot be submitted here; run on a Slurm login "
                    "node (or install the Slurm client) and submit it there",
                    script.string()));
  }
  // --parsable prints "JOBID" or "JOBID;CLUSTER".
  static const std::regex kJobId(R"(^(\d+)(;\S+)?$)");
  const auto last_line = output.substr(output.rfind('\n') == std::string::npos ? 0 : output.rfind('\n') + 1);
  std::smatch match;
  if (code != 0 || !std::regex_match(last_line, match, kJobId)) {
    throw Error(fmt::format("sbatch did not accept {} (exit status {}): {}", script.string(), code, output));
  }
  return match[1].str();
}

}  // namespace greenbatch::cluster
