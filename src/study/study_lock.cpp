// The per-store study lock.
#include "greenbatch/study/study_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "greenbatch/core/error.h"
#include "greenbatch/core/stamp.h"

namespace greenbatch::study {
namespace {

std::string read_all(int fd) {
  std::string text;
  std::array<char, 256> buffer{};
  ssize_t n = 0;
  if (::lseek(fd, 0, SEEK_SET) != 0) return text;
  while ((n = ::read(fd, buffer.data(), buffer.size())) > 0) text.append(buffer.data(), static_cast<std::size_t>(n));
  return text;
}

}  // namespace

StudyLock StudyLock::acquire(const std::filesystem::path& db) {
  const auto path = db.string() + ".lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw InputError(fmt::format("cannot create the lock file {} ({}); check that you may write in the folder of {}",
                                 path, std::strerror(errno), db.string()));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    auto holder = read_all(fd);
    ::close(fd);
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    throw InputError(
        fmt::format("{} is in use by another greenbatch study ({}); two studies measuring at once would "
                    "disturb each other: wait for it to finish, or stop it and rerun to resume",
                    db.string(), holder.empty() ? "holder unknown" : holder));
  }
  std::array<char, 256> host{};
  ::gethostname(host.data(), host.size() - 1);
  const auto holder = fmt::format("process {} on {}, since {}\n", ::getpid(), host.data(), utc_now_iso());
  if (::ftruncate(fd, 0) == 0) {
    (void)::lseek(fd, 0, SEEK_SET);
    (void)!::write(fd, holder.data(), holder.size());
  }
  return StudyLock(fd);
}

StudyLock::~StudyLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the lock; the file stays (removing it would race)
}

StudyLock::StudyLock(StudyLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }

}  // namespace greenbatch::study
