// Fake hardware trees for meter tests.
#include "support/fixture_tree.h"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <stdexcept>

namespace greenbatch::testing {

void write_file(const std::filesystem::path& path, std::string_view content) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write fixture file " + path.string());
}

void write_u64_at(const std::filesystem::path& path, std::uint64_t offset, std::uint64_t value) {
  std::filesystem::create_directories(path.parent_path());
  if (!std::filesystem::exists(path)) std::ofstream(path, std::ios::binary);
  std::fstream out(path, std::ios::binary | std::ios::in | std::ios::out);
  std::array<char, 8> bytes{};
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((value >> (8 * i)) & 0xff);
  out.seekp(static_cast<std::streamoff>(offset));
  out.write(bytes.data(), bytes.size());
  if (!out) throw std::runtime_error("cannot write fixture register in " + path.string());
}

std::string run_unprivileged(const std::function<std::string()>& fn) {
  if (geteuid() != 0) return fn();
  std::array<int, 2> pipe_fds{};
  if (pipe(pipe_fds.data()) != 0) throw std::runtime_error("pipe failed");
  const pid_t child = fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) {
    close(pipe_fds[0]);
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(3);
    const std::string result = fn();
    const auto written = write(pipe_fds[1], result.data(), result.size());
    _exit(written == static_cast<ssize_t>(result.size()) ? 0 : 4);
  }
  close(pipe_fds[1]);
  std::string result;
  std::array<char, 4096> buffer{};
  for (ssize_t n; (n = read(pipe_fds[0], buffer.data(), buffer.size())) > 0;) result.append(buffer.data(), n);
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("unprivileged child failed with status " + std::to_string(status));
  }
  return result;
}

}  // namespace greenbatch::testing
