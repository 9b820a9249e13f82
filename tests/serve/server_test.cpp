// The server in-process with a fake backend: inputs reach the model in their slots, a backend
// failure answers 500 for its batch and the server goes on, and the served traffic is recorded.
#include "greenbatch/serve/server.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "support/http_client.h"

namespace greenbatch::serve {
namespace {

using nlohmann::json;
using testing::http_request;

// Two scores per image: the sum of its inputs and its negation. Throws on an image whose first
// value is 13.
class FakeBackend : public engine::Backend {
 public:
  engine::BackendInfo info() const override { return {"fake", "fake", "cpu", 1, "none", "0", "none"}; }
  engine::Preprocessing preprocessing() const override { return {}; }
  engine::InputShape input_shape() const override { return {1, 1, 4}; }
  void warm_up(int, int) override {}
  engine::Scores run(const engine::ImageBatch& batch) override {
    engine::Scores s{batch.size, 2, {}};
    for (int i = 0; i < batch.size; ++i) {
      const float* x = batch.data.data() + static_cast<std::size_t>(i) * 4;
      if (x[0] == 13.0F) throw std::runtime_error("unlucky input");
      s.values.push_back(x[0] + x[1] + x[2] + x[3]);
      s.values.push_back(-(x[0] + x[1] + x[2] + x[3]));
    }
    return s;
  }
  void run_discard(const engine::ImageBatch& batch) override { run(batch); }
  std::optional<double> flops_per_image() override { return std::nullopt; }
};

std::string body(float first) {
  return json{
      {"inputs", {{{"name", "input"}, {"datatype", "FP32"}, {"shape", {1, 1, 1, 4}}, {"data", {first, 2, 3, 4}}}}}}
      .dump();
}

TEST(Server, BackendFailureAnswers500AndServingGoesOn) {
  FakeBackend backend;
  const auto policy = batching::make_policy("greedy:8");
  TrafficRecorder recorder(trial::TrialConfig{.model = "fake", .policy = policy->spec(), .arrival = "http"}, "{}",
                           nullptr, {});
  ServerOptions options;
  options.http.port = 0;
  options.queue_capacity = 16;
  options.service.model_name = "fake";
  options.service.recorder = &recorder;
  Server server(backend, *policy, options);
  server.start();
  const auto port = server.port();

  const auto failed = http_request(port, "POST", "/v2/models/fake/infer", body(13));
  EXPECT_EQ(failed.status, 500);
  EXPECT_NE(json::parse(failed.body)["error"].get<std::string>().find("unlucky input"), std::string::npos)
      << failed.body;

  const auto served = http_request(port, "POST", "/v2/models/fake/infer", body(1));
  ASSERT_EQ(served.status, 200) << served.body;
  const auto answer = json::parse(served.body);
  EXPECT_EQ(answer["outputs"][0]["data"], json({10.0, -10.0}));  // its own input reached the model
  EXPECT_EQ(answer["parameters"]["batch_size"], 1);
  EXPECT_EQ(answer["parameters"]["energy_source"], "none");
  EXPECT_TRUE(answer["parameters"]["energy_j"].is_null());  // no meter: no figure, not 0 J

  const auto metrics = http_request(port, "GET", "/metrics").body;
  EXPECT_NE(metrics.find("greenbatch_failed_batches_total 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("greenbatch_http_responses_total{code=\"500\"} 1\n"), std::string::npos) << metrics;
  EXPECT_TRUE(server.drain());
  EXPECT_FALSE(server.worker_error());

  const auto record = recorder.cut();
  ASSERT_TRUE(record);
  EXPECT_EQ(record->status, trial::TrialStatus::backend_failed);
  EXPECT_NE(record->status_detail.find("unlucky input"), std::string::npos);
  EXPECT_EQ(record->summary.requests, 2);
  EXPECT_EQ(record->summary.served, 1);
  EXPECT_EQ(record->summary.batches, 1);
  EXPECT_FALSE(recorder.cut());  // nothing since
}

TEST(Server, ReadinessTurnsOffWhileDraining) {
  FakeBackend backend;
  const auto policy = batching::make_policy("greedy");
  ServerOptions options;
  options.http.port = 0;
  options.service.model_name = "fake";
  Server server(backend, *policy, options);
  server.start();
  EXPECT_EQ(http_request(server.port(), "GET", "/v2/health/ready").status, 200);
  EXPECT_EQ(http_request(server.port(), "GET", "/v2/models/fake/ready").status, 200);
  EXPECT_TRUE(server.drain());
  EXPECT_EQ(http_request(server.port(), "GET", "/v2/health/live").status, 0);  // no longer listening
}

}  // namespace
}  // namespace greenbatch::serve

namespace greenbatch::serve {
namespace {

// A meter whose counter gains exactly 1 J per read, so a window between two marks holds 1 J.
class CountingMeter : public energy::Meter {
 public:
  std::string_view name() const override { return "counting"; }
  std::string_view source() const override { return "fake"; }
  const std::vector<energy::Domain>& domains() const override { return domains_; }
  energy::Reading read() override {
    joules_ += 1.0;
    return {reads_++ * 1.0, {joules_}};
  }

 private:
  std::vector<energy::Domain> domains_{{"package-0", energy::DomainKind::package, true}};
  double joules_ = 0.0;
  int reads_ = 0;
};

TEST(Server, EachBatchsEnergyIsSharedByItsRequestsAndIdleEnergyIsKeptApart) {
  FakeBackend backend;
  std::vector<std::unique_ptr<energy::Meter>> meters;
  meters.push_back(std::make_unique<CountingMeter>());
  energy::Sampler sampler(std::move(meters));            // not started: only the service's marks read the meter
  const auto policy = batching::make_policy("fixed:4");  // one batch of the four requests
  ServerOptions options;
  options.http.port = 0;
  options.service.model_name = "fake";
  options.service.sampler = &sampler;
  options.service.idle.power_w = 0.0;  // a baseline of 0 W: dynamic energy equals the total
  Server server(backend, *policy, options);
  server.start();
  std::vector<std::string> answers(4);
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&, i] {
      answers[static_cast<std::size_t>(i)] = http_request(server.port(), "POST", "/v2/models/fake/infer", body(1)).body;
    });
  }
  for (auto& c : clients) c.join();
  for (const auto& a : answers) {
    const auto p = json::parse(a)["parameters"];
    EXPECT_EQ(p["batch_size"], 4) << a;
    EXPECT_EQ(p["energy_source"], "fake") << a;
    EXPECT_DOUBLE_EQ(p["energy_j"].get<double>(), 0.25) << a;  // the batch's 1 J over its 4 requests
    EXPECT_DOUBLE_EQ(p["dynamic_energy_j"].get<double>(), 0.25) << a;
  }
  const auto metrics = http_request(server.port(), "GET", "/metrics").body;
  EXPECT_NE(metrics.find("greenbatch_energy_joules_total{source=\"fake\",domain=\"package-0\",state=\"busy\"} 1\n"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("state=\"idle\"}"), std::string::npos) << metrics;  // before the batch, apart from it
  EXPECT_TRUE(server.drain());
}

}  // namespace
}  // namespace greenbatch::serve
