// Shards of a study: K/N parsing, the Slurm array environment, exact and balanced coverage of the
// design with the unsharded ids, and the placeholders of a result file name.
#include "greenbatch/study/shard.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "greenbatch/core/error.h"
#include "support/error_message.h"

namespace greenbatch::study {
namespace {

using greenbatch::testing::message_of;

// 2 models x 2 policies x 1 arrival x 3 repetitions = 12 trials.
StudyConfig twelve_trials() {
  StudyConfig config;
  config.name = "shards";
  config.models = {"synthetic:alpha=1,tau0=0,mode=spin", "alexnet"};
  config.policies = {"fixed:1", "greedy:8"};
  config.arrivals = {"poisson:5"};
  config.requests = 10;
  config.repetitions = 3;
  config.seed = 7;
  return config;
}

EnvironmentLookup environment(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    const auto found = values.find(name);
    return found == values.end() ? std::nullopt : std::optional(found->second);
  };
}

TEST(Shard, ParsesKOfN) {
  EXPECT_EQ(parse_shard("0/1"), (Shard{0, 1}));
  EXPECT_EQ(parse_shard("2/3"), (Shard{2, 3}));
}

TEST(Shard, RefusesMalformedAndOutOfRange) {
  for (const auto* text : {"", "3", "1/", "/3", "a/3", "1/b", "1/3/4", "1.5/3", " 1/3"}) {
    EXPECT_NE(message_of<UsageError>([&] { parse_shard(text); }).find("K/N"), std::string::npos) << text;
  }
  EXPECT_NE(message_of<UsageError>([] { parse_shard("3/3"); }).find("between 0 and 2"), std::string::npos);
  EXPECT_NE(message_of<UsageError>([] { parse_shard("-1/3"); }).find("between 0 and 2"), std::string::npos);
  EXPECT_NE(message_of<UsageError>([] { parse_shard("0/0"); }).find("at least 1"), std::string::npos);
}

TEST(Shard, EveryTrialInExactlyOneShardWithTheUnshardedIds) {
  const auto plan = expand_design(twelve_trials());
  ASSERT_EQ(plan.size(), 12U);
  for (int n = 1; n <= static_cast<int>(plan.size()) + 2; ++n) {
    std::map<std::string, int> seen;  // trial id -> times selected
    std::size_t smallest = plan.size(), largest = 0;
    for (int k = 0; k < n; ++k) {
      const auto part = select_shard(plan, {k, n});
      smallest = std::min(smallest, part.size());
      largest = std::max(largest, part.size());
      for (std::size_t i = 0; i < part.size(); ++i) {
        ++seen[part[i].trial_id];
        const auto& same = plan[static_cast<std::size_t>(part[i].position)];
        EXPECT_EQ(part[i].trial_id, same.trial_id) << "n=" << n;
        EXPECT_EQ(part[i].model, same.model);
        EXPECT_EQ(part[i].seed, same.seed);
        if (i > 0) {
          EXPECT_LT(part[i - 1].position, part[i].position) << "running order kept";
        }
      }
    }
    EXPECT_EQ(seen.size(), plan.size()) << "n=" << n;
    for (const auto& [id, times] : seen) EXPECT_EQ(times, 1) << id << " n=" << n;
    EXPECT_LE(largest - smallest, 1U) << "balanced, n=" << n;
  }
}

TEST(Shard, SameShardOnEveryCall) {
  const auto first = select_shard(expand_design(twelve_trials()), {1, 5});
  const auto again = select_shard(expand_design(twelve_trials()), {1, 5});
  ASSERT_EQ(first.size(), again.size());
  for (std::size_t i = 0; i < first.size(); ++i) EXPECT_EQ(first[i].trial_id, again[i].trial_id);
}

TEST(Shard, FromSlurmArrayEnvironment) {
  EXPECT_EQ(shard_from_slurm(environment({})), std::nullopt);
  EXPECT_EQ(shard_from_slurm(environment({{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_COUNT", "4"}})),
            (Shard{2, 4}));
  EXPECT_EQ(shard_from_slurm(environment({{"SLURM_ARRAY_TASK_ID", "3"},
                                          {"SLURM_ARRAY_TASK_COUNT", "3"},
                                          {"SLURM_ARRAY_TASK_MIN", "1"},
                                          {"SLURM_ARRAY_TASK_MAX", "3"}})),
            (Shard{2, 3}));
  EXPECT_EQ(shard_from_slurm(environment(
                {{"SLURM_ARRAY_TASK_ID", "5"}, {"SLURM_ARRAY_TASK_MIN", "5"}, {"SLURM_ARRAY_TASK_MAX", "9"}})),
            (Shard{0, 5}));
}

TEST(Shard, FromSlurmRefusesBadValues) {
  EXPECT_NE(message_of<UsageError>([] {
              shard_from_slurm(environment({{"SLURM_ARRAY_TASK_ID", "x"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}));
            }).find("SLURM_ARRAY_TASK_ID='x'"),
            std::string::npos);
  EXPECT_NE(message_of<UsageError>([] {
              shard_from_slurm(environment({{"SLURM_ARRAY_TASK_ID", "1"}}));
            }).find("--shard K/N"),
            std::string::npos);
  EXPECT_NE(message_of<UsageError>([] {
              shard_from_slurm(environment({{"SLURM_ARRAY_TASK_ID", "4"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}));
            }).find("outside the array"),
            std::string::npos);
}

TEST(Shard, ExpandsPlaceholders) {
  EXPECT_EQ(expand_db_pattern("out/{host}-{shard}.db", Shard{3, 8}, "node7"), "out/node7-3.db");
  EXPECT_EQ(expand_db_pattern("plain.db", std::nullopt, "node7"), "plain.db");
  EXPECT_EQ(expand_db_pattern("{host}.db", std::nullopt, "node7"), "node7.db");
  EXPECT_NE(message_of<UsageError>([] { expand_db_pattern("r-{shard}.db", std::nullopt, "h"); }).find("--shard K/N"),
            std::string::npos);
  EXPECT_NE(message_of<UsageError>([] {
              expand_db_pattern("r-{node}.db", Shard{0, 2}, "h");
            }).find("'{node}'"),
            std::string::npos);
  EXPECT_NE(message_of<UsageError>([] {
              expand_db_pattern("r-{shard.db", Shard{0, 2}, "h");
            }).find("placeholders"),
            std::string::npos);
}

}  // namespace
}  // namespace greenbatch::study
