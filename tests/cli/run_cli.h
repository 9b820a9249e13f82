#pragma once
/// Test helper: runs the greenbatch command and captures its exit code, stdout and stderr.

#include <string>
#include <vector>

namespace greenbatch::testing {

/// What one run of the command produced.
struct CliResult {
  int exit_code = -1;  ///< process exit status
  std::string out;     ///< standard output
  std::string err;     ///< standard error
};

/// Runs `greenbatch args...` (arguments are shell-quoted) and waits for it.
CliResult run_cli(const std::vector<std::string>& args);

/// run_cli under a bound: at most `memory_mib` MiB of address space (ulimit -v) and `seconds` of
/// wall time (then SIGKILL: exit code 137); 0 leaves either unbounded.
CliResult run_cli_bounded(const std::vector<std::string>& args, int memory_mib, int seconds);

/// Starts `greenbatch args...` in the background with stdout and stderr going to `log`; returns
/// its process id (kill it or wait for it with waitpid).
int spawn_cli(const std::vector<std::string>& args, const std::string& log);

/// Runs a shell command line; returns its exit status.
int run_shell(const std::string& command);

}  // namespace greenbatch::testing
