#pragma once
/// A scratch directory for one test, removed when the test ends.

#include <filesystem>
#include <string>

namespace greenbatch::testing {

/// Creates a fresh empty directory under the build tree; deletes it on destruction.
class TempDir {
 public:
  /// `tag` becomes part of the directory name (use the test's name).
  explicit TempDir(const std::string& tag);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  /// The directory.
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace greenbatch::testing
