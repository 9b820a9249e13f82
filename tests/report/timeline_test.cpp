// The timeline from stored trials: energy per image per model and host from the ok trials of one
// fixed batch size, and one series per host in its figures.
#include "greenbatch/report/timeline.h"

#include <gtest/gtest.h>

namespace greenbatch::report {
namespace {

trial::TrialRecord stored(const std::string& model, const std::string& host, const std::string& policy, double energy) {
  trial::TrialRecord r;
  r.config.model = model;
  r.config.policy = policy;
  r.environment_json = R"({"host":")" + host + R"("})";
  r.summary.energy_source = "rapl";
  r.summary.energy_per_request_j = energy;
  return r;
}

TEST(Timeline, StoredEnergyPerModelAndHostFromOneFixedBatchSize) {
  std::vector<trial::TrialRecord> trials{stored("alexnet", "laptop", "fixed:1,timeout=inf", 0.1),
                                         stored("alexnet", "laptop", "fixed:1", 0.3),
                                         stored("alexnet", "server", "fixed:1", 0.05),
                                         stored("alexnet", "laptop", "fixed:8", 9.0),
                                         stored("alexnet", "laptop", "greedy:8", 9.0),
                                         stored("alexnet", "laptop", "fixed:1", 9.0)};
  trials.back().status = trial::TrialStatus::meter_failed;
  const auto energy = stored_energy(trials, 1);
  ASSERT_EQ(energy.size(), 2u);
  EXPECT_EQ(energy[0].host, "laptop");
  EXPECT_NEAR(energy[0].energy_per_image_j, 0.2, 1e-12);  // (0.1 + 0.3) / 2: other sizes and failures left out
  EXPECT_EQ(energy[0].trials, 2u);
  EXPECT_EQ(energy[1].host, "server");
  EXPECT_EQ(stored_energy(trials, 8).size(), 1u);
}

}  // namespace
}  // namespace greenbatch::report
