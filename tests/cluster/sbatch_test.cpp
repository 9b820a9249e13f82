// Submitting with sbatch, against stand-in sbatch programs on PATH: the job id, the arguments,
// sbatch's refusal and a missing sbatch.
#include "greenbatch/cluster/sbatch.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "greenbatch/core/error.h"
#include "support/error_message.h"
#include "support/fixture_tree.h"
#include "support/temp_dir.h"

namespace greenbatch::cluster {
namespace {

using greenbatch::testing::message_of;

// Puts only `dir` on PATH for the life of the object (the stand-ins use shell builtins only).
class PathOnly {
 public:
  explicit PathOnly(const std::filesystem::path& dir) : saved_(std::getenv("PATH") ? std::getenv("PATH") : "") {
    setenv("PATH", dir.c_str(), 1);
  }
  ~PathOnly() { setenv("PATH", saved_.c_str(), 1); }
  PathOnly(const PathOnly&) = delete;
  PathOnly& operator=(const PathOnly&) = delete;

 private:
  std::string saved_;
};

void write_program(const std::filesystem::path& file, const std::string& body) {
  testing::write_file(file, "#!/bin/sh\n" + body);
  std::filesystem::permissions(file, std::filesystem::perms::owner_all);
}

std::string read(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Sbatch, ReturnsTheJobIdAndPassesTheArguments) {
  const testing::TempDir dir("sbatch-ok");
  const auto log = dir.path() / "args.txt";
  write_program(dir.path() / "bin" / "sbatch", "printf '%s\\n' \"$@\" > '" + log.string() + "'\necho '4242;main'\n");
  const PathOnly path(dir.path() / "bin");
  EXPECT_EQ(submit(dir.path() / "my job.sh", {"--dependency=afterok:41"}), "4242");
  EXPECT_EQ(read(log), "--parsable\n--dependency=afterok:41\n" + (dir.path() / "my job.sh").string() + "\n");
}

TEST(Sbatch, RefusalCarriesSbatchsMessage) {
  const testing::TempDir dir("sbatch-refused");
  write_program(dir.path() / "bin" / "sbatch", "echo 'sbatch: error: invalid partition specified: nope' >&2\nexit 1\n");
  const PathOnly path(dir.path() / "bin");
  const auto message = message_of<Error>([&] { submit(dir.path() / "job.sh"); });
  EXPECT_NE(message.find("invalid partition specified: nope"), std::string::npos) << message;
  EXPECT_NE(message.find("job.sh"), std::string::npos) << message;
}

TEST(Sbatch, OutputWithoutAJobIdIsAnError) {
  const testing::TempDir dir("sbatch-garbled");
  write_program(dir.path() / "bin" / "sbatch", "echo 'Submitted batch job'\n");
  const PathOnly path(dir.path() / "bin");
  EXPECT_NE(message_of<Error>([&] { submit(dir.path() / "job.sh"); }).find("did not accept"), std::string::npos);
}

TEST(Sbatch, MissingSbatchIsUnsupported) {
  const testing::TempDir dir("sbatch-missing");
  std::filesystem::create_directories(dir.path() / "empty");
  const PathOnly path(dir.path() / "empty");
  const auto message = message_of<UnsupportedError>([&] { submit(dir.path() / "job.sh"); });
  EXPECT_NE(message.find("sbatch was not found"), std::string::npos) << message;
}

}  // namespace
}  // namespace greenbatch::cluster
