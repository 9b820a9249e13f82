// The whole report: several hosts side by side; a clear error without the charting packages; and
// the report of a study the size of the paper's (800 trials: 5 models × 8 policies × 4
// rates × 5 repetitions), written through the store API: the HTML stays under 5 MB and, opened in
// headless Chromium, draws one mark per data point. The time it takes to open is printed, never
// asserted (it depends on the machine).
#include "greenbatch/report/report.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "greenbatch/core/error.h"
#include "support/error_message.h"
#include "support/temp_dir.h"
#include "support/text.h"

namespace greenbatch::report {
namespace {

using testing::read_text;

// The paper's design with made-up but plausible numbers: energy per request falls with the batch
// size, response time grows with it; one trial keeps a power trace and its batches.
void write_paper_sized_store(const std::filesystem::path& file) {
  auto store = store::ResultStore::open(file);
  const char* models[] = {"alexnet", "densenet201", "shufflenet_v2_x1_0", "vit_b_16", "convnext_base"};
  const int batches[] = {1, 2, 4, 8, 16, 32, 64};
  const int rates[] = {5, 10, 20, 40};
  int id = 0;
  for (int m = 0; m < 5; ++m) {
    for (int p = 0; p < 8; ++p) {
      for (const int rate : rates) {
        for (int rep = 0; rep < 5; ++rep) {
          trial::TrialRecord r;
          r.trial_id = "t" + std::to_string(id++);
          r.config.model = models[m];
          r.config.backend = "torch";
          r.config.policy = p < 7 ? "fixed:" + std::to_string(batches[p]) + ",timeout=inf" : "greedy:256";
          r.config.arrival = "jitter:" + std::to_string(rate) + ",spread=0.2";
          r.config.requests = 200;
          r.config.meter = "rapl";
          r.environment_json = R"({"host":"bench-1"})";
          r.study_id = "paper";
          r.repetition = rep;
          const double b = p < 7 ? batches[p] : 1.0 + rate / 10.0;
          const double noise = 1.0 + 0.01 * ((rep * 7 + p * 3 + m) % 5 - 2);
          auto& s = r.summary;
          s.requests = s.served = 200;
          s.batches = static_cast<std::int64_t>(200 / b);
          s.mean_batch_size = b;
          s.energy_source = "rapl";
          s.energy_status = "ok";
          s.energy_per_request_j = (0.05 * (m + 1)) * (0.4 + 0.6 / std::sqrt(b)) * noise;
          s.dynamic_energy_per_request_j = *s.energy_per_request_j * 0.6;
          s.response_p50_ms = (10.0 * (m + 1) + 1000.0 * (b - 1) / (2.0 * rate)) * noise;
          s.response_p95_ms = *s.response_p50_ms * 1.6;
          s.response_max_ms = *s.response_p50_ms * 2.1;
          if (id == 1) {
            for (int i = 0; i < 400; ++i) {
              r.power_trace.push_back({.time_s = 100.0 + 0.1 * i, .watts = {20.0 + i % 7}, .total_w = 20.0 + i % 7});
            }
            for (int i = 0; i < 200; ++i) {
              r.batches.push_back(
                  {.id = i, .size = 1, .dispatch_s = 0.2 * i, .start_s = 0.2 * i, .end_s = 0.2 * i + 0.05});
            }
            r.power_domains = {
                {.name = "package-0", .source = "rapl", .kind = energy::DomainKind::package, .in_total = true}};
          }
          store.save_trial(r);
        }
      }
    }
  }
}

TEST(Report, PaperSizedStudyStaysSmallAndDrawsEveryPoint_Slow) {
  testing::TempDir dir("report_800");
  write_paper_sized_store(dir.path() / "paper.db");
  const auto store = store::ResultStore::open(dir.path() / "paper.db");
  const auto started = std::chrono::steady_clock::now();
  const auto files = write_report(store, dir.path() / "out", {.database = "paper.db"});
  const std::chrono::duration<double> writing = std::chrono::steady_clock::now() - started;
  // 20 trade-off figures (5 models × 4 rates), 3 figures against batch size per model, one trace.
  EXPECT_EQ(files.figures, 20u + 15u + 1u);
  const auto bytes = std::filesystem::file_size(files.html);
  EXPECT_LT(bytes, 5u * 1024u * 1024u) << "report.html of 800 trials";

  const auto result = dir.path() / "check.json";
  const auto command = "node '" GREENBATCH_SOURCE_DIR "/report/web/check_report.mjs' '" + files.html.string() + "' '" +
                       (dir.path() / "shot.png").string() + "' > '" + result.string() + "'";
  ASSERT_EQ(std::system(command.c_str()), 0);
  const auto check = nlohmann::json::parse(read_text(result));
  EXPECT_TRUE(check.at("console_errors").empty()) << check.at("console_errors").dump(1);
  ASSERT_EQ(check.at("figures").size(), files.figures);
  for (const auto& f : check.at("figures")) EXPECT_EQ(f.at("marks"), f.at("points")) << f.at("name");
  std::cout << "800-trial report: written in " << writing.count() << " s; report.html " << bytes
            << " bytes, opened with every figure drawn in " << check.at("open_ms") << " ms (of which drawing "
            << check.at("draw_ms") << " ms)\n";
  RecordProperty("html_bytes", std::to_string(bytes));
  RecordProperty("open_ms", check.at("open_ms").dump());
}

// Two hosts, the same two cells on each.
void write_two_host_store(const std::filesystem::path& file) {
  auto store = store::ResultStore::open(file);
  int id = 0;
  for (const std::string host : {"laptop", "server"}) {
    for (const int b : {1, 4}) {
      for (int rep = 0; rep < 2; ++rep) {
        trial::TrialRecord r;
        r.trial_id = "t" + std::to_string(id++);
        r.config.model = "m";
        r.config.policy = "fixed:" + std::to_string(b);
        r.config.arrival = "poisson:10";
        r.environment_json =
            R"({"host":")" + host + R"(","cpu":"CPU of )" + host +
            R"(","backend":{"device":"cpu","library":"torch","library_version":"2.1"},"meters":["rapl"]})";
        r.repetition = rep;
        r.summary.energy_source = "rapl";
        r.summary.mean_batch_size = b;
        r.summary.energy_per_request_j = (host == "laptop" ? 0.5 : 2.0) / (b == 1 ? 1.0 : 2.0) + 0.01 * rep;
        r.summary.response_p95_ms = 10.0 * b + rep;
        store.save_trial(r);
      }
    }
  }
}

TEST(Report, SeveralHostsAreComparedSideBySide) {
  testing::TempDir dir("report_hosts");
  write_two_host_store(dir.path() / "hosts.db");
  const auto store = store::ResultStore::open(dir.path() / "hosts.db");
  const auto files = write_report(store, dir.path() / "out", {.database = "hosts.db"});
  const auto md = read_text(files.markdown);
  EXPECT_NE(md.find("Hosts: laptop, server."), std::string::npos) << md;
  EXPECT_NE(md.find("| server | CPU of server | cpu | torch 2.1 | rapl |"), std::string::npos) << md;
  EXPECT_NE(md.find("| m | poisson:10 | fixed:1 | 0.505 (n=2) | 10.5 (n=2) | 2.005 (n=2) | 10.5 (n=2) |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| m | poisson:10 | laptop | 49.5 % (fixed:4) |"), std::string::npos) << md;
  EXPECT_NE(md.find("| m | poisson:10 | server | 49.9 % (fixed:4) |"), std::string::npos) << md;
  for (const char* figure : {"tradeoff_m_poisson_10_laptop.svg", "tradeoff_m_poisson_10_server.svg",
                             "batch_energy_m_laptop.png", "batch_latency_m_server.png"}) {
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "out" / figure)) << figure;
  }
}

// Precision and a CPU cap as the trial builder records them (requested settings), two
// repetitions per cell: the report splits and compares both knobs.
TEST(Report, KnobsFromTheRequestedSettingsGetAKnobsSection) {
  testing::TempDir dir("report_knobs");
  {
    auto store = store::ResultStore::open(dir.path() / "knobs.db");
    int id = 0;
    for (const std::string precision : {"fp32", "bf16"}) {
      for (const std::string cap : {"null", "1200000"}) {
        for (const int b : {1, 4}) {
          for (int rep = 0; rep < 2; ++rep) {
            trial::TrialRecord r;
            r.trial_id = "t" + std::to_string(id++);
            r.config.model = "m";
            r.config.threads = 2;
            r.config.policy = "fixed:" + std::to_string(b);
            r.config.arrival = "poisson:10";
            r.requested_json = R"({"threads":0,"precision":")" + precision + R"(","cpu_max_freq_khz":)" + cap + "}";
            r.environment_json = R"({"host":"h"})";
            r.repetition = rep;
            r.summary.energy_source = "rapl";
            r.summary.mean_batch_size = b;
            r.summary.energy_per_request_j = (precision == "bf16" ? 0.3 : 0.5) * (cap == "null" ? 1.0 : 0.9) / b +
                                             0.01 * rep;
            r.summary.response_p95_ms = 10.0 * b + rep;
            store.save_trial(r);
          }
        }
      }
    }
  }
  const auto store = store::ResultStore::open(dir.path() / "knobs.db");
  const auto files = write_report(store, dir.path() / "out", {.database = "knobs.db"});
  const auto md = read_text(files.markdown);
  for (const char* part : {"\n## m, poisson:10, precision=bf16, cpu_max_freq_khz=1200000\n", "\n## Knobs\n",
                           "\n#### precision, fixed:4 with cpu_max_freq_khz=none\n",
                           "\n#### cpu_max_freq_khz, fixed:1 with precision=bf16\n",
                           "the least energy per request is fixed:4 with precision=bf16, cpu_max_freq_khz=1200000",
                           "| precision | precision=bf16 | precision=fp32 | 38.3 % |",
                           "| cpu_max_freq_khz | cpu_max_freq_khz=1200000 | cpu_max_freq_khz=none | 9.4 % |"}) {
    EXPECT_NE(md.find(part), std::string::npos) << part << "\n" << md;
  }
  EXPECT_EQ(md.find("threads="), std::string::npos) << "threads did not vary";
  for (const char* figure :
       {"knob_energy_precision_m.svg", "knob_p95_precision_m.png", "knob_energy_cpu_max_freq_khz_m.svg",
        "tradeoff_m_poisson_10_precision_fp32__cpu_max_freq_khz_none.svg"}) {
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "out" / figure)) << figure;
  }
}

TEST(Report, MissingChartingPackagesAreAnUnsupportedErrorNamingTheFix) {
  testing::TempDir dir("report_no_web");
  write_two_host_store(dir.path() / "hosts.db");
  const auto store = store::ResultStore::open(dir.path() / "hosts.db");
  ::setenv("GREENBATCH_WEB_DIR", dir.path().c_str(), 1);
  const auto message = testing::message_of<UnsupportedError>(
      [&] { write_report(store, dir.path() / "out", {.database = "hosts.db"}); });
  ::unsetenv("GREENBATCH_WEB_DIR");
  EXPECT_NE(message.find("npm ci --prefix " + dir.path().string()), std::string::npos) << message;
}

}  // namespace
}  // namespace greenbatch::report
