// Study designs: the factorial product, its seeded shuffle, trial ids and seeds.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "greenbatch/study/design.h"

namespace greenbatch::study {
namespace {

// 2 models x 3 policies x 2 arrivals x 3 repetitions = 36 trials.
StudyConfig small_study() {
  StudyConfig config;
  config.name = "design";
  config.models = {"synthetic:alpha=1,tau0=0,mode=spin", "alexnet"};
  config.policies = {"fixed:1", "fixed:4", "greedy:256"};
  config.arrivals = {"jitter:10,spread=0.2", "poisson:5"};
  config.requests = 20;
  config.repetitions = 3;
  config.seed = 42;
  return config;
}

using Cell = std::tuple<std::string, std::string, std::string, int>;

Cell cell_of(const PlannedTrial& trial) { return {trial.model, trial.policy, trial.arrival, trial.repetition}; }

std::vector<Cell> cells_of(const std::vector<PlannedTrial>& plan) {
  std::vector<Cell> cells;
  for (const auto& trial : plan) cells.push_back(cell_of(trial));
  return cells;
}

TEST(Design, EveryCellAndRepetitionOnce) {
  const auto plan = expand_design(small_study());
  ASSERT_EQ(plan.size(), 36U);
  const auto cells = cells_of(plan);
  EXPECT_EQ(std::set<Cell>(cells.begin(), cells.end()).size(), 36U);
  for (std::size_t i = 0; i < plan.size(); ++i) EXPECT_EQ(plan[i].position, static_cast<std::int64_t>(i));
}

TEST(Design, PaperExampleHas800Trials) {
  const auto config = load_study(std::filesystem::path(GREENBATCH_SOURCE_DIR) / "examples" / "study-paper.toml");
  EXPECT_EQ(expand_design(config).size(), 5U * 8U * 4U * 5U);
}

TEST(Design, UnshuffledOrderIsTheProductWithRepetitionsInnermost) {
  auto config = small_study();
  config.shuffle = false;
  const auto plan = expand_design(config);
  ASSERT_EQ(plan.size(), 36U);
  std::size_t i = 0;
  for (const auto& model : config.models) {
    for (const auto& policy : config.policies) {
      for (const auto& arrival : config.arrivals) {
        for (int repetition = 0; repetition < config.repetitions; ++repetition, ++i) {
          EXPECT_EQ(cell_of(plan[i]), (Cell{model, policy, arrival, repetition})) << "at " << i;
        }
      }
    }
  }
}

TEST(Design, SameSeedSameOrderOtherSeedOtherOrder) {
  const auto config = small_study();
  const auto first = cells_of(expand_design(config));
  EXPECT_EQ(cells_of(expand_design(config)), first);

  auto unshuffled = config;
  unshuffled.shuffle = false;
  auto product = cells_of(expand_design(unshuffled));
  EXPECT_NE(first, product);
  EXPECT_TRUE(std::ranges::is_permutation(first, product));

  auto other = config;
  other.seed = 43;
  const auto second = cells_of(expand_design(other));
  EXPECT_NE(second, first);
  EXPECT_TRUE(std::ranges::is_permutation(second, product));
}

TEST(Design, ShuffleIsPinned) {
  // Fisher–Yates with std::mt19937_64(7) and exact rejection sampling: the same on every platform.
  StudyConfig config;
  config.models = {"m"};
  config.policies = {"fixed:1"};
  config.arrivals = {"a:1", "a:2", "a:3", "a:4", "a:5", "a:6"};
  config.seed = 7;
  std::vector<std::string> order;
  for (const auto& trial : expand_design(config)) order.push_back(trial.arrival);
  EXPECT_EQ(order, (std::vector<std::string>{"a:6", "a:2", "a:5", "a:3", "a:1", "a:4"}));
}

TEST(Design, TrialIdsAreUniqueAndStable) {
  const auto config = small_study();
  const auto plan = expand_design(config);
  std::set<std::string> ids;
  for (const auto& trial : plan) {
    EXPECT_EQ(trial.trial_id.size(), 16U);
    ids.insert(trial.trial_id);
  }
  EXPECT_EQ(ids.size(), plan.size());
  const auto again = expand_design(config);
  for (std::size_t i = 0; i < plan.size(); ++i) EXPECT_EQ(again[i].trial_id, plan[i].trial_id);

  auto other = config;  // another study: other ids for the same cells
  other.requests = 21;
  const auto other_plan = expand_design(other);
  EXPECT_FALSE(ids.contains(other_plan.front().trial_id));
}

TEST(Design, ThreadsAndKnobsAreFactorsAndLeaveOtherIdsAlone) {
  auto config = small_study();
  const auto before = expand_design(config);
  config.threads = {1, 2};
  config.cpu_max_freqs = {1200000, 2400000};
  const auto plan = expand_design(config);
  ASSERT_EQ(plan.size(), before.size() * 4);
  std::set<std::tuple<std::string, std::string, std::string, int, int, std::uint64_t>> cells;
  std::set<std::string> ids;
  for (const auto& t : plan) {
    ASSERT_TRUE(t.cpu_max_freq_khz.has_value());
    EXPECT_FALSE(t.gpu_power_limit_w.has_value());
    cells.insert({t.model, t.policy, t.arrival, t.repetition, t.threads, *t.cpu_max_freq_khz});
    ids.insert(t.trial_id);
  }
  EXPECT_EQ(cells.size(), plan.size());
  EXPECT_EQ(ids.size(), plan.size());
  // One thread count and no knob lists: the ids of a study written before they were factors.
  auto single = small_study();
  single.threads = {0};
  EXPECT_EQ(expand_design(single).front().trial_id, before.front().trial_id);
}

TEST(Design, PrecisionsAreAFactorAndFp32AloneKeepsIds) {
  auto config = small_study();
  const auto before = expand_design(config);
  config.precisions = {engine::Precision::fp32, engine::Precision::bf16};
  const auto plan = expand_design(config);
  ASSERT_EQ(plan.size(), before.size() * 2);
  std::set<std::tuple<std::string, std::string, std::string, int, engine::Precision>> cells;
  std::set<std::string> ids;
  for (const auto& t : plan) {
    cells.insert({t.model, t.policy, t.arrival, t.repetition, t.precision});
    ids.insert(t.trial_id);
  }
  EXPECT_EQ(cells.size(), plan.size());
  EXPECT_EQ(ids.size(), plan.size());
  EXPECT_EQ(std::ranges::count(plan, engine::Precision::bf16, &PlannedTrial::precision),
            static_cast<std::ptrdiff_t>(before.size()));
  config.precisions = {engine::Precision::fp32};
  EXPECT_EQ(expand_design(config).front().trial_id, before.front().trial_id);
}

TEST(Design, TrialSeedIsStudySeedPlusRepetition) {
  for (const auto& trial : expand_design(small_study())) {
    EXPECT_EQ(trial.seed, 42U + static_cast<std::uint64_t>(trial.repetition));
  }
}

}  // namespace
}  // namespace greenbatch::study
