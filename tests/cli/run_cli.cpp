// Running the greenbatch command from tests.
#include "cli/run_cli.h"

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
  for (const char c : arg) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int run_shell(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

CliResult run_cli(const std::vector<std::string>& args) {
  static std::atomic<int> counter{0};
  const auto dir = std::filesystem::path(GREENBATCH_TEST_WORK_DIR);
  std::filesystem::create_directories(dir);
  const auto stem = dir / ("cli-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::string command = quote(GREENBATCH_BIN);
  for (const auto& a : args) command += " " + quote(a);
  command += " > " + quote(stem.string() + ".out") + " 2> " + quote(stem.string() + ".err") + " < /dev/null";
  CliResult result;
  result.exit_code = run_shell(command);
  result.out = slurp(stem.string() + ".out");
  result.err = slurp(stem.string() + ".err");
  std::filesystem::remove(stem.string() + ".out");
  std::filesystem::remove(stem.string() + ".err");
  return result;
}

}  // namespace greenbatch::testing
