#pragma once
/// One process per result store while a study runs: two processes measuring at once would disturb
/// each other's energy and time, and one's work would be thrown away. An advisory lock (flock) on
/// `<db>.lock`, released by the kernel when the process ends however it ends (also SIGKILL).

#include <filesystem>
#include <string>

namespace greenbatch::study {

/// Holds the lock of one store for its lifetime. Move-only.
class StudyLock {
 public:
  /// Takes the lock of `db`, or throws InputError naming the process that holds it (pid, host,
  /// start time) and the fix.
  static StudyLock acquire(const std::filesystem::path& db);
  ~StudyLock();
  StudyLock(StudyLock&& other) noexcept;
  StudyLock& operator=(StudyLock&&) = delete;
  StudyLock(const StudyLock&) = delete;
  StudyLock& operator=(const StudyLock&) = delete;

 private:
  explicit StudyLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace greenbatch::study
