// Output files are replaced whole or not at all.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "greenbatch/core/atomic_file.h"
#include "greenbatch/core/error.h"
#include "support/error_message.h"
#include "support/fixture_tree.h"
#include "support/temp_dir.h"

namespace greenbatch {
namespace {

using ::testing::HasSubstr;
using testing::message_of;

std::string read(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(AtomicFile, ReplacesTheTargetAndLeavesNoTemporary) {
  const testing::TempDir dir("atomic-file");
  const auto target = dir.path() / "out.csv";
  testing::write_file(target, "old\n");
  write_file_atomically(target, std::string_view("new\n"));
  EXPECT_EQ(read(target), "new\n");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(AtomicFile, AFailedWriteKeepsThePreviousContent) {
  const testing::TempDir dir("atomic-file-fail");
  const auto target = dir.path() / "out.csv";
  testing::write_file(target, "old\n");
  EXPECT_THROW(write_file_atomically(target,
                                     [](std::ostream& out) {
                                       out << "half";
                                       throw std::runtime_error("writer died");
                                     }),
               std::runtime_error);
  EXPECT_EQ(read(target), "old\n");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(target.parent_path()), {}), 1);  // no temporary left
  // A stream that fails (as on a full disk) is reported, and the target is kept.
  EXPECT_THAT(message_of<InputError>(
                  [&] { write_file_atomically(target, [](std::ostream& out) { out.setstate(std::ios::badbit); }); }),
              HasSubstr("nothing was changed"));
  EXPECT_EQ(read(target), "old\n");
}

TEST(AtomicFile, FoldersAndMissingFoldersAreNamed) {
  const testing::TempDir dir("atomic-file-folder");
  EXPECT_THAT(message_of<InputError>([&] { write_file_atomically(dir.path(), std::string_view("x")); }),
              HasSubstr("is a folder"));
  EXPECT_THAT(
      message_of<InputError>([&] { write_file_atomically(dir.path() / "no" / "f.csv", std::string_view("x")); }),
      HasSubstr("check that its folder exists"));
}

}  // namespace
}  // namespace greenbatch
