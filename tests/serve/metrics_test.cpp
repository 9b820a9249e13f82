// Prometheus exposition: counters and cumulative histogram buckets as observed. (The format is
// also checked by promtool in the serve end-to-end test.)
#include "greenbatch/serve/metrics.h"

#include <gtest/gtest.h>

namespace greenbatch::serve {
namespace {

bool has_line(const std::string& text, const std::string& line) { return text.find(line + "\n") != std::string::npos; }

TEST(ServeMetrics, CountsAndCumulativeBuckets) {
  ServeMetrics m;
  m.count_response(200);
  m.count_response(200);
  m.count_response(503);
  m.count_rejection("queue_full");
  m.observe_batch(3, false, {{"package-0", "rapl", 1.5}});
  m.observe_batch(1, true, {{"package-0", "rapl", 0.5}});
  m.add_idle_energy({{"package-0", "rapl", 4.0}});
  m.observe_request(0.003, 0.001, 0.002);
  const auto text = m.exposition({2, 3, 64, 12.5, "rapl"});
  EXPECT_TRUE(has_line(text, "greenbatch_http_responses_total{code=\"200\"} 2"));
  EXPECT_TRUE(has_line(text, "greenbatch_http_responses_total{code=\"503\"} 1"));
  EXPECT_TRUE(has_line(text, "greenbatch_rejected_requests_total{reason=\"queue_full\"} 1"));
  EXPECT_TRUE(has_line(text, "greenbatch_batches_total 2"));
  EXPECT_TRUE(has_line(text, "greenbatch_failed_batches_total 1"));
  EXPECT_TRUE(has_line(text, "greenbatch_energy_joules_total{source=\"rapl\",domain=\"package-0\",state=\"busy\"} 2"));
  EXPECT_TRUE(has_line(text, "greenbatch_energy_joules_total{source=\"rapl\",domain=\"package-0\",state=\"idle\"} 4"));
  EXPECT_TRUE(has_line(text, "greenbatch_batch_size_bucket{le=\"1\"} 1"));
  EXPECT_TRUE(has_line(text, "greenbatch_batch_size_bucket{le=\"2\"} 1"));
  EXPECT_TRUE(has_line(text, "greenbatch_batch_size_bucket{le=\"4\"} 2"));
  EXPECT_TRUE(has_line(text, "greenbatch_batch_size_bucket{le=\"+Inf\"} 2"));
  EXPECT_TRUE(has_line(text, "greenbatch_batch_size_sum 4"));
  EXPECT_TRUE(has_line(text, "greenbatch_response_seconds_bucket{le=\"0.0025\"} 0"));
  EXPECT_TRUE(has_line(text, "greenbatch_response_seconds_bucket{le=\"0.005\"} 1"));
  EXPECT_TRUE(has_line(text, "greenbatch_queue_depth 2"));
  EXPECT_TRUE(has_line(text, "greenbatch_requests_in_flight 3"));
  EXPECT_TRUE(has_line(text, "greenbatch_power_watts{source=\"rapl\"} 12.5"));
  EXPECT_FALSE(has_line(m.exposition({0, 0, 64, std::nullopt, {}}), "greenbatch_power_watts{source=\"rapl\"} 12.5"));
}

}  // namespace
}  // namespace greenbatch::serve
