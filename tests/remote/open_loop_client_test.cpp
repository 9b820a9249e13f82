// The open-loop client against the in-process server (a fake backend): every request recorded
// with the server's figures, errors per status, the in-flight bound held with late sends, and a
// refused connection recorded per request.
#include "greenbatch/remote/open_loop_client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <thread>

#include "greenbatch/serve/server.h"

namespace greenbatch::remote {
namespace {

using nlohmann::json;

// Sums each image's inputs; throws on an image whose first value is 13; sleeps `delay` per batch.
class SumBackend : public engine::Backend {
 public:
  explicit SumBackend(std::chrono::milliseconds delay = {}) : delay_(delay) {}
  engine::BackendInfo info() const override { return {"fake", "fake", "cpu", 1, "none", "0", "none"}; }
  engine::Preprocessing preprocessing() const override { return {}; }
  engine::InputShape input_shape() const override { return {1, 1, 4}; }
  void warm_up(int, int) override {}
  engine::Scores run(const engine::ImageBatch& batch) override {
    std::this_thread::sleep_for(delay_);
    engine::Scores s{batch.size, 1, {}};
    for (int i = 0; i < batch.size; ++i) {
      const float* x = batch.data.data() + static_cast<std::size_t>(i) * 4;
      if (x[0] == 13.0F) throw std::runtime_error("unlucky input");
      s.values.push_back(x[0] + x[1] + x[2] + x[3]);
    }
    return s;
  }
  void run_discard(const engine::ImageBatch& batch) override { run(batch); }
  std::optional<double> flops_per_image() override { return std::nullopt; }

 private:
  std::chrono::milliseconds delay_;
};

EncodedBody fp32_body(float first) {
  const std::vector<float> values{first, 2, 3, 4};
  const std::string header = json{{"inputs",
                                   {{{"name", "input"},
                                     {"datatype", "FP32"},
                                     {"shape", {1, 1, 1, 4}},
                                     {"parameters", {{"binary_data_size", 16}}}}}}}
                                 .dump();
  return {header + std::string(reinterpret_cast<const char*>(values.data()), 16), header.size()};
}

struct Served {
  explicit Served(std::chrono::milliseconds delay = {}, const std::string& policy = "greedy:4") : backend(delay) {
    policy_ = batching::make_policy(policy);
    serve::ServerOptions options;
    options.http.port = 0;
    options.service.model_name = "m";
    server = std::make_unique<serve::Server>(backend, *policy_, options);
    server->start();
  }
  ClientOptions client(std::size_t max_in_flight = 64) const {
    return {parse_endpoint("http://127.0.0.1:" + std::to_string(server->port())), "/v2/models/m/infer", max_in_flight,
            30.0};
  }
  SumBackend backend;
  std::unique_ptr<batching::Policy> policy_;
  std::unique_ptr<serve::Server> server;
};

std::vector<double> every(double gap_s, int n) {
  std::vector<double> times;
  for (int i = 1; i <= n; ++i) times.push_back(gap_s * i);
  return times;
}

TEST(OpenLoopClient, RecordsEveryRequestWithTheServersFigures) {
  Served served({}, "greedy:1");  // one request per batch: odd requests fail alone in the backend
  const std::vector<EncodedBody> bodies{fp32_body(1), fp32_body(13)};
  const auto schedule = every(0.002, 40);
  const auto records = run_open_loop(served.client(), schedule, bodies, std::chrono::steady_clock::now());
  ASSERT_EQ(records.size(), schedule.size());
  std::int64_t ok = 0;
  for (const auto& r : records) {
    EXPECT_EQ(r.scheduled_s, schedule[static_cast<std::size_t>(r.id)]);
    ASSERT_TRUE(r.sent_s && r.completed_s);
    EXPECT_GE(*r.sent_s, r.scheduled_s);
    EXPECT_GE(*r.completed_s, *r.sent_s);
    if (r.id % 2 == 0) {
      ++ok;
      EXPECT_EQ(r.http_status, 200);
      EXPECT_EQ(r.fault, Fault::none);
      ASSERT_TRUE(r.server_batch_size && r.server_batch_id && r.server_service_ms && r.server_queue_ms);
      EXPECT_GE(*r.server_batch_size, 1);
      EXPECT_EQ(r.server_energy_source, "none");
      EXPECT_FALSE(r.server_energy_j);
      EXPECT_EQ(*r.server_batch_size, 1);
    } else {
      EXPECT_EQ(r.http_status, 500);
      EXPECT_EQ(r.fault, Fault::http);
    }
  }
  EXPECT_EQ(ok, 20);
  EXPECT_TRUE(served.server->drain());
}

TEST(OpenLoopClient, HoldsTheInFlightBoundAndSendsTheRestLate) {
  Served served(std::chrono::milliseconds(20), "greedy:1");
  const auto schedule = every(0.001, 10);  // due every 1 ms, answered every 20 ms
  const auto records = run_open_loop(served.client(2), schedule, std::vector{fp32_body(1)},
                                     std::chrono::steady_clock::now());
  std::vector<std::pair<double, int>> events;
  int late = 0;
  for (const auto& r : records) {
    ASSERT_EQ(r.fault, Fault::none);
    events.emplace_back(*r.sent_s, 1);
    events.emplace_back(*r.completed_s, -1);
    if (*r.sent_s - r.scheduled_s > 0.001) ++late;
  }
  std::ranges::sort(events);
  int flying = 0, most = 0;
  for (const auto& [t, d] : events) most = std::max(most, flying += d);
  EXPECT_LE(most, 2);
  // At most two answers come back within the first 20 ms, so at least 8 sends were late.
  EXPECT_GE(late, 8);
  // Sent in schedule order: late ones are queued, not reordered.
  for (std::size_t i = 1; i < records.size(); ++i) EXPECT_GE(*records[i].sent_s, *records[i - 1].sent_s);
  EXPECT_TRUE(served.server->drain());
}

TEST(OpenLoopClient, ARefusedConnectionIsAFaultPerRequest) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);  // nothing listens on it now
  const ClientOptions options{parse_endpoint("http://127.0.0.1:" + std::to_string(ntohs(address.sin_port))),
                              "/v2/models/m/infer", 4, 5.0};
  const auto records = run_open_loop(options, every(0.001, 5), std::vector{fp32_body(1)},
                                     std::chrono::steady_clock::now());
  ASSERT_EQ(records.size(), 5U);
  for (const auto& r : records) {
    EXPECT_EQ(r.fault, Fault::refused);
    EXPECT_EQ(r.http_status, 0);
    EXPECT_FALSE(r.completed_s);
  }
}

TEST(OpenLoopClient, AnUnansweredRequestTimesOut) {
  // A listening socket that never answers (the kernel accepts, nobody reads).
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(fd, 16), 0);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  const ClientOptions options{parse_endpoint("http://127.0.0.1:" + std::to_string(ntohs(address.sin_port))),
                              "/v2/models/m/infer", 4, 0.2};
  const auto records = run_open_loop(options, every(0.001, 3), std::vector{fp32_body(1)},
                                     std::chrono::steady_clock::now());
  close(fd);
  for (const auto& r : records) {
    EXPECT_EQ(r.fault, Fault::timeout);
    EXPECT_TRUE(r.sent_s);
    EXPECT_FALSE(r.completed_s);
  }
}

}  // namespace
}  // namespace greenbatch::remote
