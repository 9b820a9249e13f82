// Scratch directories for tests.
#include "support/temp_dir.h"

#include <unistd.h>

namespace greenbatch::testing {

TempDir::TempDir(const std::string& tag, Where where) {
  const auto parent = where == Where::build_tree ? std::filesystem::path(GREENBATCH_TEST_WORK_DIR)
                                                 : std::filesystem::temp_directory_path();
  path_ = parent / ("greenbatch-" + tag + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
  if (where == Where::world_readable) {
    using std::filesystem::perms;
    std::filesystem::permissions(
        path_, perms::owner_all | perms::group_read | perms::group_exec | perms::others_read | perms::others_exec);
  }
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace greenbatch::testing
