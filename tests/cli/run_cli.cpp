// Running the greenbatch command from tests.
#include "cli/run_cli.h"
#include "support/text.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace greenbatch::testing {
namespace {

std::string quote(const std::string& arg) {
  std::string q = "'";
  for (const char c : arg) {
    if (c == '\'') {
      q.append("'\\''");
    } else {
      q.push_back(c);
    }
  }
  q.push_back('\'');
  return q;
}

}  // namespace

int run_shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int spawn_cli(const std::vector<std::string>& args, const std::string& log) {
  std::vector<std::string> argv_text{GREENBATCH_BIN};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  const pid_t child = fork();
  if (child == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    std::vector<char*> argv;
    for (auto& a : argv_text) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return child;
}

CliResult run_cli(const std::vector<std::string>& args) { return run_cli_bounded(args, 0, 0); }

CliResult run_cli_bounded(const std::vector<std::string>& args, int memory_mib, int seconds) {
  static std::atomic<int> counter{0};
  const auto dir = std::filesystem::path(GREENBATCH_TEST_WORK_DIR);
  std::filesystem::create_directories(dir);
  std::ostringstream name;
  name << "cli-" << ::getpid() << "-" << counter++;
  const auto out_file = dir / (name.str() + ".out");
  const auto err_file = dir / (name.str() + ".err");
  std::ostringstream command;
  if (memory_mib > 0) command << "ulimit -v " << memory_mib * 1024 << " && ";
  if (seconds > 0) command << "timeout -s KILL " << seconds << ' ';
  command << quote(GREENBATCH_BIN);
  for (const auto& a : args) command << ' ' << quote(a);
  command << " > " << quote(out_file.string()) << " 2> " << quote(err_file.string()) << " < /dev/null";
  CliResult result;
  result.exit_code = run_shell(command.str());
  result.out = read_text(out_file);
  result.err = read_text(err_file);
  std::filesystem::remove(out_file);
  std::filesystem::remove(err_file);
  return result;
}

}  // namespace greenbatch::testing
