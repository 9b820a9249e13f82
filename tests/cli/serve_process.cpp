// A greenbatch serve process for tests.
#include "cli/serve_process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "cli/run_cli.h"

namespace greenbatch::testing {

ServeProcess::ServeProcess(const std::vector<std::string>& args, const std::string& log) : log_(log) {
  std::vector<std::string> all{"serve"};
  all.insert(all.end(), args.begin(), args.end());
  all.insert(all.end(), {"--port", "0"});
  pid_ = spawn_cli(all, log);
  const std::regex listening(R"(on http://127\.0\.0\.1:(\d+) )");
  for (int i = 0; i < 1200; ++i) {  // 120 s at most: a model loads and warms up first
    std::smatch m;
    const auto text = this->log();
    if (std::regex_search(text, m, listening)) {
      port_ = static_cast<std::uint16_t>(std::stoi(m[1]));
      return;
    }
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "the server did not start listening:\n" << this->log();
}

ServeProcess::~ServeProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

int ServeProcess::stop(int signal) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  for (int i = 0; i < 1200; ++i) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return -1;
}

std::string ServeProcess::log() const {
  std::ifstream in(log_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string capture(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  while (const auto n = fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  pclose(pipe);
  return out;
}

}  // namespace greenbatch::testing
