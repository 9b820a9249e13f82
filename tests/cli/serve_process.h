#pragma once
/// Test helper: a `greenbatch serve` process on 127.0.0.1 and a free port, started by the test
/// and stopped by it (SIGTERM, or killed when the test fails first).

#include <cstdint>
#include <string>
#include <vector>

namespace greenbatch::testing {

/// A running server. The constructor waits (bounded) until it listens.
class ServeProcess {
 public:
  /// Starts `greenbatch serve args... --port 0`, logging to `log`; fails the test (and leaves
  /// port() 0) when it does not listen within 120 s.
  ServeProcess(const std::vector<std::string>& args, const std::string& log);
  /// Kills the server if the test did not stop it.
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  /// The port it listens on (0 when it did not start).
  [[nodiscard]] std::uint16_t port() const { return port_; }
  /// Sends `signal`, waits (at most 120 s) for the exit and returns its exit status (-1 when it
  /// did not exit normally or in time).
  int stop(int signal);
  /// The log so far.
  [[nodiscard]] std::string log() const;

 private:
  int pid_ = -1;
  std::string log_;
  std::uint16_t port_ = 0;
};

/// Runs a shell command and returns its standard output.
std::string capture(const std::string& command);

}  // namespace greenbatch::testing
