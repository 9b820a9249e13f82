#pragma once
/// A scratch directory for one test, removed when the test ends.

#include <filesystem>
#include <string>

namespace greenbatch::testing {

/// Creates a fresh empty directory; deletes it on destruction.
class TempDir {
 public:
  /// Where the directory is made.
  enum class Where {
    build_tree,      ///< under the build tree
    world_readable,  ///< under the system's temporary folder, readable by every user (for tests
                     ///< that drop privileges to check file permissions)
  };
  /// `tag` becomes part of the directory name (use the test's name).
  explicit TempDir(const std::string& tag, Where where = Where::build_tree);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  /// The directory.
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace greenbatch::testing
