// Tests of restoring the knobs a process left set when it died.
#include "greenbatch/knobs/knob_state.h"

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "knobs/fake_cpufreq.h"
#include "support/fixture_tree.h"
#include "support/temp_dir.h"

namespace greenbatch::knobs {
namespace {

using testing::allowed_cpus;
using testing::cap_file;
using testing::original_cap;
using testing::read_cap;

// The id of a process that has ended (a child, reaped).
long ended_pid() {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  int status = 0;
  waitpid(child, &status, 0);
  return child;
}

std::string state_json(long pid, const std::filesystem::path& sys) {
  std::string entries;
  for (const int cpu : allowed_cpus()) {
    entries += (entries.empty() ? "" : ",") + std::string(R"({"knob": "cpu_max_freq", "target": ")") +
               cap_file(sys, cpu).string() + R"(", "value": )" + std::to_string(original_cap(cpu)) + "}";
  }
  return R"({"pid": )" + std::to_string(pid) + R"(, "originals": [)" + entries + "]}";
}

class KnobStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::build_fake_cpufreq(sys());
    for (const int cpu : allowed_cpus()) testing::write_file(cap_file(sys(), cpu), "1000000\n");
  }
  [[nodiscard]] std::filesystem::path sys() const { return dir_.path() / "sys"; }
  [[nodiscard]] KnobOptions options() const { return {sys(), FAKE_NVML_PATH, dir_.path() / "state"}; }

  testing::TempDir dir_{"knob_state"};
};

TEST_F(KnobStateTest, RestoresWhatAnEndedProcessLeftAndSaysSo) {
  const long pid = ended_pid();
  const auto file = state_file(options(), pid);
  testing::write_file(file, state_json(pid, sys()));
  const auto said = restore_left_over(options());
  ASSERT_EQ(said.size(), allowed_cpus().size());
  EXPECT_NE(said.front().find("restored"), std::string::npos) << said.front();
  EXPECT_NE(said.front().find("process " + std::to_string(pid)), std::string::npos) << said.front();
  for (const int cpu : allowed_cpus()) EXPECT_EQ(read_cap(sys(), cpu), original_cap(cpu)) << "cpu" << cpu;
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_TRUE(restore_left_over(options()).empty());
}

TEST_F(KnobStateTest, LeavesTheKnobsOfARunningProcessAlone) {
  const long parent = getppid();
  testing::write_file(state_file(options(), parent), state_json(parent, sys()));
  EXPECT_TRUE(restore_left_over(options()).empty());
  for (const int cpu : allowed_cpus()) EXPECT_EQ(read_cap(sys(), cpu), 1000000U);
  EXPECT_TRUE(std::filesystem::exists(state_file(options(), parent)));
}

TEST_F(KnobStateTest, AnUnreadableStateFileIsReportedAndKept) {
  const auto file = state_file(options(), ended_pid());
  testing::write_file(file, "{not json");
  const auto said = restore_left_over(options());
  ASSERT_EQ(said.size(), 1U);
  EXPECT_NE(said[0].find("restore the knobs by hand"), std::string::npos) << said[0];
  EXPECT_TRUE(std::filesystem::exists(file));
}

}  // namespace
}  // namespace greenbatch::knobs
