// Scratch directories for tests.
#include "support/temp_dir.h"

#include <unistd.h>

namespace greenbatch::testing {

TempDir::TempDir(const std::string& tag)
    : path_(std::filesystem::path(GREENBATCH_TEST_WORK_DIR) / (tag + "-" + std::to_string(::getpid()))) {
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace greenbatch::testing
