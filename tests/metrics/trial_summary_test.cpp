// Trial metrics from hand-made request and batch records.
#include <gtest/gtest.h>

#include "greenbatch/metrics/trial_summary.h"

namespace greenbatch::metrics {
namespace {

TEST(TrialSummary, MetricsFromHandMadeRecords) {
  // Four requests: three served in two batches, one rejected.
  //   id arrival start completion -> wait, service, response (ms)
  //   0  0.000   0.010 0.030          10   20   30
  //   1  0.005   0.010 0.030           5   20   25
  //   2  0.020   0.040 0.050          20   10   30
  //   3  0.025   (rejected)
  std::vector<RequestRecord> requests{
      {0, 0.0, 0.0, false, 0, 0.010, 0.010, 0.030},
      {1, 0.005, 0.005, false, 0, 0.010, 0.010, 0.030},
      {2, 0.018, 0.020, false, 1, 0.040, 0.040, 0.050},  // released 2 ms late
      {3, 0.025, 0.025, true, std::nullopt, std::nullopt, std::nullopt, std::nullopt},
  };
  std::vector<BatchRecord> batches{{0, 2, 0.010, 0.010, 0.030}, {1, 1, 0.040, 0.040, 0.050}};
  energy::EnergyWindow window;
  window.seconds = 0.05;
  window.total_j = 1.5;
  window.source = "rapl";
  window.domains = {{"package-0", "rapl", true, 1.5}};
  energy::IdleBaseline idle;
  idle.power_w = 10.0;
  const auto s = summarize(requests, batches, window, idle, 29.0);
  EXPECT_EQ(s.requests, 4);
  EXPECT_EQ(s.served, 3);
  EXPECT_EQ(s.rejected, 1);
  EXPECT_EQ(s.batches, 2);
  EXPECT_DOUBLE_EQ(s.duration_s, 0.05);      // 0.000 -> 0.050
  EXPECT_DOUBLE_EQ(s.throughput_rps, 60.0);  // 3 / 0.05
  EXPECT_DOUBLE_EQ(s.mean_batch_size, 1.5);
  EXPECT_NEAR(*s.response_mean_ms, 85.0 / 3.0, 1e-9);  // (30 + 25 + 30) / 3
  EXPECT_NEAR(*s.response_p50_ms, 30.0, 1e-9);
  EXPECT_NEAR(*s.response_max_ms, 30.0, 1e-9);
  EXPECT_NEAR(*s.response_p90_ms, 30.0, 1e-9);        // type 7: 25, 30, 30 -> 30
  EXPECT_NEAR(*s.wait_mean_ms, 35.0 / 3.0, 1e-9);     // (10 + 5 + 20) / 3
  EXPECT_NEAR(*s.service_mean_ms, 50.0 / 3.0, 1e-9);  // (20 + 20 + 10) / 3
  EXPECT_NEAR(s.lateness_max_ms, 2.0, 1e-9);
  EXPECT_EQ(s.late_requests, 1);
  EXPECT_DOUBLE_EQ(*s.slo_attainment, 0.25);  // only the 25 ms one of 4 scheduled
  EXPECT_DOUBLE_EQ(*s.energy_j, 1.5);
  EXPECT_DOUBLE_EQ(*s.static_energy_j, 0.5);  // 10 W x 0.05 s
  EXPECT_DOUBLE_EQ(*s.dynamic_energy_j, 1.0);
  EXPECT_DOUBLE_EQ(*s.energy_per_request_j, 0.5);  // 1.5 J / 3 served
  EXPECT_EQ(s.energy_source, "rapl");
  EXPECT_EQ(s.energy_by_domain_j, "package-0=1.5");
}

TEST(TrialSummary, NothingServedLeavesTimesNull) {
  std::vector<RequestRecord> requests{{0, 0.0, 0.0, true, std::nullopt, std::nullopt, std::nullopt, std::nullopt}};
  const auto s = summarize(requests, {}, energy::EnergyWindow{}, energy::IdleBaseline{}, std::nullopt);
  EXPECT_EQ(s.served, 0);
  EXPECT_FALSE(s.response_mean_ms.has_value());
  EXPECT_FALSE(s.slo_attainment.has_value());
  EXPECT_FALSE(s.energy_per_request_j.has_value());
}

}  // namespace
}  // namespace greenbatch::metrics
