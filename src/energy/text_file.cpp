// Reading small sysfs/proc text files.
#include "text_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

namespace greenbatch::energy {

TextOrFailure read_text(const std::filesystem::path& path) {
  errno = 0;
  std::ifstream in(path);
  if (!in) {
    const int error = errno != 0 ? errno : ENOENT;
    std::string what = error == EACCES ? "permission denied reading " : "cannot read ";
    what += path.string();
    if (error != EACCES) (what += ": ") += std::strerror(error);
    return {std::nullopt, {error, what}};
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    const int error = errno != 0 ? errno : EIO;
    std::string what = "cannot read ";
    ((what += path.string()) += ": ") += std::strerror(error);
    return {std::nullopt, {error, what}};
  }
  std::string s = text.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return {std::move(s), {}};
}

std::optional<std::uint64_t> parse_u64(const std::string& text) {
  std::uint64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

std::optional<std::uint64_t> read_u64(const std::filesystem::path& path) {
  const auto r = read_text(path);
  return r.text ? parse_u64(*r.text) : std::nullopt;
}

std::string describe(const FileFailure& failure, const std::string& permission_fix) {
  if (failure.error != EACCES && failure.error != EPERM) return failure.message;
  std::string out = failure.message;
  (out += "; ") += permission_fix;
  return out;
}

}  // namespace greenbatch::energy

namespace greenbatch::energy {

ReadOnlyFile::ReadOnlyFile(std::filesystem::path path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    const int error = errno;
    std::string what = error == EACCES || error == EPERM ? "permission denied reading " : "cannot read ";
    what += path_.string();
    if (error != EACCES && error != EPERM) (what += ": ") += std::strerror(error);
    failure_ = {error, std::move(what)};
  }
}

ReadOnlyFile::~ReadOnlyFile() {
  if (fd_ >= 0) ::close(fd_);
}

ReadOnlyFile::ReadOnlyFile(ReadOnlyFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)), failure_(std::move(other.failure_)) {}

ReadOnlyFile& ReadOnlyFile::operator=(ReadOnlyFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    failure_ = std::move(other.failure_);
  }
  return *this;
}

int ReadOnlyFile::read_exact(void* buffer, std::size_t size, std::uint64_t offset) const {
  const ssize_t n = ::pread(fd_, buffer, size, static_cast<off_t>(offset));
  if (n == static_cast<ssize_t>(size)) return 0;
  return n < 0 ? errno : EIO;
}

std::optional<std::uint64_t> ReadOnlyFile::read_u64(std::string* problem) const {
  std::array<char, 32> text{};
  const ssize_t n = ::pread(fd_, text.data(), text.size() - 1, 0);
  if (n < 0) {
    *problem = fmt::format("cannot read {}: {}", path_.string(), std::strerror(errno));
    return std::nullopt;
  }
  std::string value(text.data(), static_cast<std::size_t>(n));
  while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) value.pop_back();
  const auto parsed = parse_u64(value);
  if (!parsed) *problem = fmt::format("{} holds '{}', not a counter", path_.string(), value);
  return parsed;
}

}  // namespace greenbatch::energy
