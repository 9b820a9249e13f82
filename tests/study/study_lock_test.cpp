// One study per store: the second taker is told who holds it; the lock ends with its holder.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "greenbatch/core/error.h"
#include "greenbatch/study/study_lock.h"
#include "support/error_message.h"
#include "support/temp_dir.h"

namespace greenbatch::study {
namespace {

using ::testing::HasSubstr;
using testing::message_of;

TEST(StudyLock, ASecondProcessIsToldWhoHoldsIt) {
  const testing::TempDir dir("study-lock");
  const auto db = dir.path() / "results.db";
  auto lock = StudyLock::acquire(db);
  // flock locks belong to open file descriptions: a child process that opens the file again
  // competes like another greenbatch would.
  const pid_t child = fork();
  if (child == 0) {
    try {
      (void)StudyLock::acquire(db);
      _exit(1);
    } catch (const InputError& e) {
      const std::string message = e.what();
      _exit(message.find("in use by another greenbatch study (process " + std::to_string(getppid())) !=
                    std::string::npos
                ? 0
                : 2);
    }
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(StudyLock, ReleasedWhenItsHolderEnds) {
  const testing::TempDir dir("study-lock-release");
  const auto db = dir.path() / "results.db";
  { const auto lock = StudyLock::acquire(db); }
  const auto again = StudyLock::acquire(db);  // would throw if the first were still held
  EXPECT_THAT(message_of<InputError>([&] { (void)StudyLock::acquire(dir.path() / "no" / "x.db"); }),
              HasSubstr("cannot create the lock file"));
}

}  // namespace
}  // namespace greenbatch::study
