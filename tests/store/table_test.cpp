// CSV and JSON export of record tables against golden files.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "greenbatch/profile/profile_record.h"
#include "greenbatch/store/table.h"

namespace greenbatch::store {
namespace {

std::string golden(const std::string& name) {
  std::ifstream in(std::string(GREENBATCH_SOURCE_DIR) + "/tests/store/golden/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<profile::ProfileRecord> sample_records() {
  profile::ProfileRecord a;
  a.model = "shufflenet_v2_x1_0";
  a.backend = "torch";
  a.device = "cpu";
  a.threads = 2;
  a.library_version = "1.13.0";
  a.weights = "random(seed=1)";
  a.knobs = {.cpu_max_freq_khz = 1'200'000, .gpu_power_limit_w = 150};
  a.batch_size = 8;
  a.batches = 40;
  a.seconds = 1.25;
  a.latency_mean_ms = 31.25;
  a.latency_median_ms = 30.5;
  a.latency_p95_ms = 35.0;
  a.latency_per_image_ms = 3.90625;
  a.throughput_ips = 256.0;
  a.peak_rss_kib = 204800;
  a.gflops_per_image = 0.29;
  a.achieved_gflops_per_s = 74.24;
  a.energy_source = "estimate";
  a.energy_status = "ok";
  a.energy_j = 5.0;
  a.energy_per_image_j = 0.015625;
  a.dynamic_energy_per_image_j = 0.0078125;
  a.idle_power_w = 2.0;
  a.avg_power_w = 4.0;
  a.peak_power_w = 4.5;
  a.energy_by_domain_j = "cpu=5";
  profile::ProfileRecord b = a;
  b.model = "model, \"quoted\".pt";  // needs CSV quoting
  b.includes_preprocess = true;
  b.knobs = {};            // no knob set: nulls
  b.peak_rss_kib.reset();  // nulls
  b.gflops_per_image.reset();
  b.achieved_gflops_per_s.reset();
  b.energy_source = "none";  // no meter: every energy column null
  b.energy_status = "no_meter";
  b.energy_j.reset();
  b.energy_per_image_j.reset();
  b.dynamic_energy_per_image_j.reset();
  b.idle_power_w.reset();
  b.avg_power_w.reset();
  b.peak_power_w.reset();
  b.energy_by_domain_j.clear();
  return {a, b};
}

TEST(Table, CsvMatchesGolden) {
  std::ostringstream out;
  write_csv(out, to_table(sample_records()));
  EXPECT_EQ(out.str(), golden("profile.csv"));
}

TEST(Table, JsonMatchesGolden) {
  std::ostringstream out;
  write_json(out, to_table(sample_records()));
  EXPECT_EQ(out.str(), golden("profile.json"));
}

TEST(Table, ColumnsFollowTheFieldTable) {
  const auto table = to_table(sample_records());
  const auto f = fields(static_cast<const profile::ProfileRecord*>(nullptr));
  ASSERT_EQ(table.columns.size(), f.size());
  for (std::size_t i = 0; i < f.size(); ++i) EXPECT_EQ(table.columns[i], f[i].name);
}

}  // namespace
}  // namespace greenbatch::store
