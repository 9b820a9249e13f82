// The one trial builder: settings resolved once, defaults defined once, the record filled alike
// for every caller.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "greenbatch/core/error.h"
#include "greenbatch/trial/trial_builder.h"
#include "support/error_message.h"

namespace greenbatch::trial {
namespace {

using ::testing::HasSubstr;
using testing::message_of;

TrialSettings synthetic_settings() {
  TrialSettings s;
  s.backend = engine::BackendSpec::parse_target("synthetic:alpha=0.1,tau0=0.2,mode=sleep");
  s.policy = "fixed:04";
  s.arrival = "poisson:500";
  s.requests = 12;
  s.idle_seconds = 0.0;
  s.warmup_batches = 1;
  return s;
}

TEST(TrialBuilder, DefaultQueueBoundIsDefinedOnce) {
  EXPECT_EQ(default_queue_capacity(8), 1024);
  EXPECT_EQ(default_queue_capacity(4096), 4096);
  auto settings = synthetic_settings();
  EXPECT_EQ(resolve_workload(settings).queue_capacity, 1024);
  settings.queue_capacity = 2;
  EXPECT_THAT(message_of<UsageError>([&] { (void)resolve_workload(settings); }),
              HasSubstr("--queue-capacity 2 is below the policy's batch size 4"));
  settings.queue_capacity.reset();
  settings.duration_s = 1.0;
  EXPECT_THAT(message_of<UsageError>([&] { (void)resolve_workload(settings); }), HasSubstr("exactly one of"));
}

TEST(TrialBuilder, RecordHoldsTheResolvedAndTheRequestedSettings) {
  energy::Sampler sampler({});
  sampler.start();
  std::vector<std::string> log;
  TrialBuilder builder(sampler, [&](const std::string& line) { log.push_back(line); });
  const auto settings = synthetic_settings();
  const auto record = builder.run(settings);
  EXPECT_EQ(record.status, TrialStatus::ok);
  EXPECT_EQ(record.summary.served, 12);
  EXPECT_EQ(record.config.policy, "fixed:4");  // resolved: normalised
  EXPECT_EQ(record.config.queue_capacity, 1024);
  EXPECT_EQ(record.config.images, "none");
  const auto requested = nlohmann::json::parse(record.requested_json);
  EXPECT_EQ(requested["policy"], "fixed:04");  // requested: as asked
  EXPECT_TRUE(requested["queue_capacity"].is_null());
  EXPECT_EQ(record.trial_id.size(), 16u);
  EXPECT_FALSE(record.environment_json.empty());
  ASSERT_FALSE(log.empty());
  EXPECT_THAT(log.front(), HasSubstr("loading synthetic:alpha=0.1"));

  // The same backend is loaded once and reused by the next trial.
  const auto loads_before = std::count_if(log.begin(), log.end(),
                                          [](const auto& l) { return l.starts_with("loading"); });
  (void)builder.run(settings);
  EXPECT_EQ(std::count_if(log.begin(), log.end(), [](const auto& l) { return l.starts_with("loading"); }),
            loads_before);
}

}  // namespace
}  // namespace greenbatch::trial
