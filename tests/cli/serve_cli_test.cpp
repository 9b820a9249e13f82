// End-to-end: `greenbatch serve` on 127.0.0.1, started and stopped by each test. Every endpoint
// with curl; every bad request and its status; a mutated-request corpus; 503 on a full queue;
// SIGTERM with requests in flight; promtool on /metrics; --db read by report and export; hey as
// an external load generator; image, JSON and binary payloads against classify.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/archive/iterators/base64_from_binary.hpp>
#include <boost/archive/iterators/transform_width.hpp>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "cli/run_cli.h"
#include "cli/serve_process.h"
#include "support/http_client.h"
#include "support/temp_dir.h"
#include "support/text.h"

namespace greenbatch::testing {
namespace {

using nlohmann::json;

const std::vector<std::string> kQuiet{"--meter", "none", "--idle-seconds", "0", "--warmup-batches", "0"};

// Serve the synthetic backend `spec` with `more` flags (no meter unless `meter` names one).
std::vector<std::string> synthetic(const std::string& spec, std::vector<std::string> more = {},
                                   const std::string& meter = "none") {
  std::vector<std::string> args{"--backend", spec, "--meter", meter, "--idle-seconds", "0", "--warmup-batches", "0"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

std::string fp32_body(const std::string& id = "r") {
  return json{{"id", id},
              {"inputs", {{{"name", "input"}, {"datatype", "FP32"}, {"shape", {1, 1, 1, 4}}, {"data", {1, 2, 3, 4}}}}}}
      .dump();
}

HttpReply infer(std::uint16_t port, const std::string& body, const std::map<std::string, std::string>& headers = {}) {
  return http_request(port, "POST", "/v2/models/synthetic/infer", body, headers);
}

// The value of an unlabelled metric in an exposition, or -1.
double metric(const std::string& text, const std::string& name) {
  std::smatch m;
  if (std::regex_search(text, m, std::regex("\n" + name + " ([0-9.e+-]+)\n"))) return std::stod(m[1]);
  return -1.0;
}

// Polls /metrics (at most 60 s) until `done` holds for the exposition.
bool wait_metrics(std::uint16_t port, const std::function<bool(const std::string&)>& done) {
  for (int i = 0; i < 600; ++i) {
    std::string text = "\n";  // metric() anchors names at line starts
    text += http_request(port, "GET", "/metrics").body;
    if (done(text)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::string base64(const std::string& bytes) {
  using Encoder = boost::archive::iterators::base64_from_binary<
      boost::archive::iterators::transform_width<std::string::const_iterator, 6, 8>>;
  std::string out(Encoder(bytes.begin()), Encoder(bytes.end()));
  out.append((3 - bytes.size() % 3) % 3, '=');
  return out;
}

TEST(ServeCli, EveryEndpointWithCurl) {
  TempDir dir("serve-curl");
  ServeProcess server(synthetic("synthetic:alpha=0,tau0=0,mode=sleep", {}, "estimate"), (dir.path() / "log").string());
  ASSERT_NE(server.port(), 0);
  const auto url = "http://127.0.0.1:" + std::to_string(server.port());
  const auto get = [&](const std::string& path) { return capture("curl -s -w '\\n%{http_code}' " + url + path); };
  EXPECT_EQ(get("/v2/health/live"), "{\"live\":true}\n200");
  EXPECT_EQ(get("/v2/health/ready"), "{\"ready\":true}\n200");
  EXPECT_EQ(get("/v2/models/synthetic/ready"), "{\"ready\":true}\n200");
  const auto server_meta = get("/v2");
  EXPECT_TRUE(server_meta.ends_with("\n200")) << server_meta;
  EXPECT_EQ(json::parse(server_meta.substr(0, server_meta.rfind('\n')))["name"], "greenbatch");
  const auto model_meta = get("/v2/models/synthetic");
  ASSERT_TRUE(model_meta.ends_with("\n200")) << model_meta;
  EXPECT_EQ(json::parse(model_meta.substr(0, model_meta.rfind('\n')))["inputs"][0]["shape"], json({-1, 1, 1, 4}));

  std::ofstream(dir.path() / "body.json") << fp32_body("curl-1");
  const auto answer = capture("curl -s -H 'Content-Type: application/json' --data-binary @" +
                              (dir.path() / "body.json").string() + " " + url + "/v2/models/synthetic/infer");
  const auto body = json::parse(answer);
  EXPECT_EQ(body["id"], "curl-1");
  EXPECT_EQ(body["model_name"], "synthetic");
  const auto& p = body["parameters"];
  EXPECT_GE(p["batch_size"].get<int>(), 1);
  EXPECT_GE(p["queue_ms"].get<double>(), 0.0);
  EXPECT_GE(p["service_ms"].get<double>(), 0.0);
  EXPECT_EQ(p["energy_source"], "estimate");  // labelled as the estimate it is
  EXPECT_TRUE(p.contains("energy_j"));
  const auto metrics = get("/metrics");
  EXPECT_NE(metrics.find("greenbatch_http_responses_total{code=\"200\"}"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("greenbatch_batch_size_count 1"), std::string::npos) << metrics;
  EXPECT_EQ(server.stop(SIGTERM), 0) << server.log();
}

TEST(ServeCli, BadRequestsGetTheirStatusAndAnError) {
  TempDir dir("serve-bad");
  ServeProcess server(synthetic("synthetic:alpha=0,tau0=0,mode=sleep",
                                {"--max-body-bytes", "4096", "--header-timeout", "1", "--body-timeout", "1"}),
                      (dir.path() / "log").string());
  ASSERT_NE(server.port(), 0);
  const auto port = server.port();
  const auto expect = [&](const HttpReply& reply, int status, const std::string& words) {
    EXPECT_EQ(reply.status, status) << reply.body;
    EXPECT_EQ(reply.headers.count("content-type"), 1U);
    const auto body = json::parse(reply.body, nullptr, false);
    ASSERT_TRUE(body.is_object() && body.contains("error")) << reply.body;
    EXPECT_NE(body["error"].get<std::string>().find(words), std::string::npos) << reply.body;
  };
  expect(http_request(port, "POST", "/v2/models/resnet50/infer", fp32_body()), 404, "serves \"synthetic\"");
  expect(http_request(port, "GET", "/v2/models/resnet50"), 404, "unknown model");
  expect(http_request(port, "GET", "/index.html"), 404, "no such endpoint");
  expect(http_request(port, "DELETE", "/v2"), 405, "no such endpoint");
  expect(infer(port, "{\"inputs\":"), 400, "not valid JSON");
  auto wrong = json::parse(fp32_body());
  wrong["inputs"][0]["shape"] = {1, 3, 224, 224};
  expect(infer(port, wrong.dump()), 400, "expected [1,1,1,4]");
  wrong["inputs"][0]["shape"] = {1, 1, 1, 4};
  wrong["inputs"][0]["datatype"] = "FP16";
  expect(infer(port, wrong.dump()), 400, "expected FP32");
  expect(infer(port, fp32_body(), {{"Inference-Header-Content-Length", "12x"}}), 400, "not a byte count");
  expect(infer(port, std::string(5000, ' ')), 413, "4096 bytes");
  const auto garbage = parse_reply(send_raw(port, "HELLO\r\n\r\n"));
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->status, 400);
  const json image = {{"inputs", {{{"name", "input"}, {"datatype", "BYTES"}, {"shape", {1}}, {"data", {"aGVsbG8="}}}}}};
  expect(infer(port, image.dump()), 400, "synthetic backend takes FP32");

  // A client that never finishes its header (--header-timeout 1) or its body (--body-timeout 1)
  // is disconnected: a slow client cannot hold the server.
  for (const std::string partial :
       {"GET /v2 HTTP/1.1\r\nHost: x\r\n",
        "POST /v2/models/synthetic/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"in"}) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
    timeval guard{60, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &guard, sizeof guard);
    ASSERT_EQ(::send(fd, partial.data(), partial.size(), MSG_NOSIGNAL), static_cast<ssize_t>(partial.size()));
    char byte = 0;
    EXPECT_EQ(::recv(fd, &byte, 1, 0), 0) << "the server should close the connection (not the 60 s guard): " << partial;
    ::close(fd);
  }

  EXPECT_EQ(infer(port, fp32_body()).status, 200);  // still serving
  EXPECT_EQ(server.stop(SIGTERM), 0) << server.log();
}

// Mutations of valid requests: flipped, inserted, deleted, duplicated and truncated bytes,
// altered lengths and headers. The server must answer each with a valid HTTP response (or close
// quietly when nothing arrived), never 500, and keep serving.
TEST(ServeCli, MutatedRequestCorpusNeverBreaksTheServer) {
  TempDir dir("serve-fuzz");
  ServeProcess server(
      synthetic("synthetic:alpha=0,tau0=0,mode=sleep", {"--max-body-bytes", "65536", "--header-timeout", "2"}),
      (dir.path() / "log").string());
  ASSERT_NE(server.port(), 0);
  const auto body = fp32_body();
  std::string binary_head = json{{"inputs",
                                  {{{"name", "input"},
                                    {"datatype", "FP32"},
                                    {"shape", {1, 1, 1, 4}},
                                    {"parameters", {{"binary_data_size", 16}}}}}}}
                                .dump();
  const std::string binary_body = binary_head + std::string(16, '\x01');
  const std::vector<std::string> seeds{
      "POST /v2/models/synthetic/infer HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: " +
          std::to_string(body.size()) + "\r\n\r\n" + body,
      "POST /v2/models/synthetic/infer HTTP/1.1\r\nHost: h\r\nInference-Header-Content-Length: " +
          std::to_string(binary_head.size()) + "\r\nContent-Length: " + std::to_string(binary_body.size()) +
          "\r\n\r\n" + binary_body,
      "GET /v2/models/synthetic HTTP/1.1\r\nHost: h\r\n\r\n",
      "POST /v2/models/synthetic/infer HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"in\r\n0\r\n\r\n",
  };
  std::mt19937_64 rng(20261129);
  const auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % std::max<std::size_t>(n, 1)); };
  const std::string specials = "{}[]\",:\r\n 0123456789-.eE\x00\xff";
  int answered = 0, silent = 0;
  std::map<int, int> statuses;
  for (int i = 0; i < 1200; ++i) {
    auto m = seeds[static_cast<std::size_t>(i) % seeds.size()];
    for (int k = 0, edits = 1 + static_cast<int>(pick(4)); k < edits; ++k) {
      const auto at = pick(m.size());
      switch (pick(7)) {
        case 0:
          m[at] = static_cast<char>(rng());
          break;
        case 1:
          m.insert(at, 1, specials[pick(specials.size())]);
          break;
        case 2:
          m.erase(at, 1 + pick(8));
          break;
        case 3:
          m.insert(at, m.substr(at, 1 + pick(32)));
          break;
        case 4:
          m.resize(at);
          break;
        case 5:
          m = std::regex_replace(m, std::regex("Content-Length: \\d+"),
                                 "Content-Length: " + std::to_string(rng() % 100000));
          break;
        default:
          m[at] = specials[pick(specials.size())];
          break;
      }
    }
    const auto received = send_raw(server.port(), m, 30.0);
    if (received.empty()) {
      ++silent;  // e.g. truncated to nothing: there was no request to answer
      continue;
    }
    const auto reply = parse_reply(received);
    ASSERT_TRUE(reply) << "case " << i << ": not a valid HTTP response:\n" << received.substr(0, 300);
    ++answered;
    ++statuses[reply->status];
    EXPECT_NE(reply->status, 500) << "case " << i << ": " << reply->body;
  }
  EXPECT_GT(answered, 1000) << "silent: " << silent;
  EXPECT_GT(statuses[400], 100);
  EXPECT_EQ(http_request(server.port(), "GET", "/v2/health/live").status, 200);
  EXPECT_EQ(infer(server.port(), fp32_body()).status, 200);
  EXPECT_EQ(server.stop(SIGTERM), 0) << server.log();
}

TEST(ServeCli, FullQueueAnswers503WithRetryAfter) {
  // Each batch sleeps 30 s: request A is in service, B fills the one-slot queue, C is refused.
  // Only the order of events matters, never their speed (the test kills the server at the end).
  TempDir dir("serve-full");
  ServeProcess server(
      synthetic("synthetic:alpha=30000,tau0=0,mode=sleep", {"--policy", "greedy:1", "--queue-capacity", "1"}),
      (dir.path() / "log").string());
  ASSERT_NE(server.port(), 0);
  const auto port = server.port();
  std::thread a([&] { infer(port, fp32_body("a")); });
  ASSERT_TRUE(wait_metrics(port, [](const std::string& m) {
    return metric(m, "greenbatch_requests_in_flight") == 1 && metric(m, "greenbatch_queue_depth") == 0;  // A in service
  }));
  std::thread b([&] { infer(port, fp32_body("b")); });
  ASSERT_TRUE(wait_metrics(port, [](const std::string& m) { return metric(m, "greenbatch_queue_depth") == 1; }));
  const auto c = infer(port, fp32_body("c"));
  EXPECT_EQ(c.status, 503) << c.body;
  EXPECT_EQ(c.headers.count("retry-after"), 1U);
  EXPECT_NE(c.body.find("queue is full"), std::string::npos) << c.body;
  const auto metrics = http_request(port, "GET", "/metrics").body;
  EXPECT_NE(metrics.find("greenbatch_rejected_requests_total{reason=\"queue_full\"} 1"), std::string::npos) << metrics;
  server.stop(SIGKILL);
  a.join();
  b.join();
}

TEST(ServeCli, SigtermDrainsEveryAcceptedRequestAndStoresTheTrial) {
  TempDir dir("serve-drain");
  const auto db = (dir.path() / "served.db").string();
  ServeProcess server(
      synthetic("synthetic:alpha=100,tau0=5,mode=sleep", {"--policy", "greedy:4", "--db", db}, "estimate"),
      (dir.path() / "log").string());
  ASSERT_NE(server.port(), 0);
  const auto port = server.port();
  constexpr int kClients = 24;
  std::vector<HttpReply> replies(kClients);
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.emplace_back([&, i] { replies[static_cast<std::size_t>(i)] = infer(port, fp32_body(std::to_string(i))); });
  }
  // Every request accepted (answered or in flight), several still in flight: then SIGTERM.
  bool in_flight = false;
  ASSERT_TRUE(wait_metrics(port, [&](const std::string& m) {
    const double flying = metric(m, "greenbatch_requests_in_flight");
    in_flight = flying > 0;
    return flying + metric(m, "greenbatch_response_seconds_count") >= kClients;
  }));
  EXPECT_EQ(server.stop(SIGTERM), 0) << server.log();
  EXPECT_TRUE(in_flight) << "all were answered before SIGTERM: the drain was not exercised";
  for (auto& t : clients) t.join();
  int ok = 0;
  for (const auto& r : replies) {
    EXPECT_EQ(r.status, 200) << r.body;  // none lost
    if (r.status == 200) ++ok;
  }
  EXPECT_NE(server.log().find("every accepted request was answered"), std::string::npos) << server.log();

  const auto trials = run_cli({"export", "--db", db, "--table", "trials", "--format", "json"});
  ASSERT_EQ(trials.exit_code, 0) << trials.err;
  const auto rows = json::parse(trials.out);
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0]["served"].get<int>(), ok);
  EXPECT_EQ(rows[0]["arrival"], "http");
  EXPECT_EQ(rows[0]["policy"], "greedy:4");
  const auto requests = run_cli({"export", "--db", db, "--table", "requests", "--format", "json"});
  ASSERT_EQ(requests.exit_code, 0) << requests.err;
  EXPECT_EQ(static_cast<int>(json::parse(requests.out).size()), kClients);
  const auto report = run_cli({"report", "--db", db, "--out", (dir.path() / "report").string()});
  EXPECT_EQ(report.exit_code, 0) << report.err;
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "report" / "report.html"));
}

TEST(ServeCli, PromtoolAcceptsTheMetrics) {
  TempDir dir("serve-promtool");
  ServeProcess server(synthetic("synthetic:alpha=0,tau0=0,mode=sleep", {}, "estimate"), (dir.path() / "log").string());
  ASSERT_NE(server.port(), 0);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(infer(server.port(), fp32_body()).status, 200);
  EXPECT_EQ(infer(server.port(), "{").status, 400);
  const auto file = dir.path() / "metrics.txt";
  std::ofstream(file) << http_request(server.port(), "GET", "/metrics").body;
  const auto check = capture("promtool check metrics < " + file.string() + " 2>&1; echo rc=$?");
  EXPECT_TRUE(check.ends_with("rc=0\n")) << check << read_text(file);
  EXPECT_NE(read_text(file).find("greenbatch_energy_joules_total{source=\"estimate\""), std::string::npos);
  EXPECT_EQ(server.stop(SIGINT), 0) << server.log();  // Ctrl-C drains and stops like SIGTERM
}

TEST(ServeCli, HeyAsAnExternalClientGetsEveryAnswer) {
  TempDir dir("serve-hey");
  ServeProcess server(synthetic("synthetic:alpha=0.1,tau0=0.2,mode=sleep"), (dir.path() / "log").string());
  ASSERT_NE(server.port(), 0);
  std::ofstream(dir.path() / "body.json") << fp32_body();
  const auto out = capture("hey -n 400 -c 16 -m POST -T application/json -D " + (dir.path() / "body.json").string() +
                           " http://127.0.0.1:" + std::to_string(server.port()) + "/v2/models/synthetic/infer");
  EXPECT_NE(out.find("[200]\t400 responses"), std::string::npos) << out;
  EXPECT_EQ(out.find("Error distribution"), std::string::npos) << out;
  const auto metrics = http_request(server.port(), "GET", "/metrics").body;
  EXPECT_NE(metrics.find("greenbatch_response_seconds_count 400"), std::string::npos) << metrics;
  EXPECT_EQ(server.stop(SIGTERM), 0);
}

// The softmax of a row of logits.
std::vector<double> softmax(const std::vector<float>& logits) {
  const float top = *std::max_element(logits.begin(), logits.end());
  std::vector<double> p;
  double sum = 0.0;
  for (const float l : logits) sum += p.emplace_back(std::exp(static_cast<double>(l - top)));
  for (auto& v : p) v /= sum;
  return p;
}

TEST(ServeCli, ImageJsonAndBinaryPayloadsGiveTheLogitsOfClassify) {
  TempDir dir("serve-classify");
  const auto image = dir.path() / "gradient.png";
  cv::Mat pixels(64, 80, CV_8UC3);
  for (int y = 0; y < pixels.rows; ++y)
    for (int x = 0; x < pixels.cols; ++x) pixels.at<cv::Vec3b>(y, x) = cv::Vec3b(x * 3, y * 4, 128);
  ASSERT_TRUE(cv::imwrite(image.string(), pixels));
  const auto classified = run_cli({"classify", "--model", "squeezenet1_1", "--top", "3", "--json", image.string()});
  ASSERT_EQ(classified.exit_code, 0) << classified.err;
  const auto expected = json::parse(classified.out)["results"][0]["top"];

  std::vector<std::string> args{"--model", "squeezenet1_1", "--policy", "greedy:4"};
  args.insert(args.end(), kQuiet.begin(), kQuiet.end());
  ServeProcess server(args, (dir.path() / "log").string());
  ASSERT_NE(server.port(), 0);
  const auto port = server.port();
  const auto target = "/v2/models/squeezenet1_1/infer";
  const auto png = read_text(image);

  // JSON: the image base64-encoded, logits as JSON numbers.
  const json by_json = {
      {"inputs", {{{"name", "input"}, {"datatype", "BYTES"}, {"shape", {1}}, {"data", {base64(png)}}}}}};
  const auto r1 = http_request(port, "POST", target, by_json.dump());
  ASSERT_EQ(r1.status, 200) << r1.body;
  const auto logits_json = json::parse(r1.body)["outputs"][0]["data"].get<std::vector<float>>();
  ASSERT_EQ(logits_json.size(), 1000U);

  // Binary extension: raw image bytes in, raw FP32 logits out.
  const json head = {{"inputs",
                      {{{"name", "input"},
                        {"datatype", "BYTES"},
                        {"shape", {1}},
                        {"parameters", {{"binary_data_size", png.size() + 4}}}}}},
                     {"outputs", {{{"name", "logits"}, {"parameters", {{"binary_data", true}}}}}}};
  const auto head_text = head.dump();
  const auto n = static_cast<std::uint32_t>(png.size());
  const auto body = head_text + std::string(reinterpret_cast<const char*>(&n), 4) + png;
  const auto r2 = http_request(port, "POST", target, body,
                               {{"Inference-Header-Content-Length", std::to_string(head_text.size())}});
  ASSERT_EQ(r2.status, 200) << r2.body;
  const auto json_length = std::stoul(r2.headers.at("inference-header-content-length"));
  std::vector<float> logits_binary(1000);
  ASSERT_EQ(r2.body.size(), json_length + 4000);
  std::memcpy(logits_binary.data(), r2.body.data() + json_length, 4000);

  // Classification output: top 3 as "logit:index:label".
  json classify_request = by_json;
  classify_request["outputs"] = {{{"name", "logits"}, {"parameters", {{"classification", 3}}}}};
  const auto r3 = http_request(port, "POST", target, classify_request.dump());
  ASSERT_EQ(r3.status, 200) << r3.body;
  const auto labels = json::parse(r3.body)["outputs"][0]["data"];
  ASSERT_EQ(labels.size(), 3U);

  const auto p_json = softmax(logits_json);
  const auto p_binary = softmax(logits_binary);
  for (std::size_t k = 0; k < 3; ++k) {
    const int c = expected[k]["class_index"].get<int>();
    const double p = expected[k]["probability"].get<double>();
    EXPECT_NEAR(p_json[static_cast<std::size_t>(c)], p, 1e-4 * std::max(p, 1e-3)) << "class " << c;
    EXPECT_NEAR(p_binary[static_cast<std::size_t>(c)], p, 1e-4 * std::max(p, 1e-3)) << "class " << c;
    const auto label = labels[k].get<std::string>();
    EXPECT_NE(label.find(":" + std::to_string(c) + ":"), std::string::npos) << label << " vs class " << c;
  }
  for (std::size_t i = 0; i < 1000; ++i) EXPECT_NEAR(logits_json[i], logits_binary[i], 1e-4) << i;

  // FP32 payloads: one tensor as JSON numbers and as binary data give the same logits.
  std::vector<float> tensor(3 * 224 * 224);
  std::mt19937 rng(7);
  std::normal_distribution<float> normal;
  for (auto& v : tensor) v = normal(rng);
  const json fp32_json = {
      {"inputs", {{{"name", "input"}, {"datatype", "FP32"}, {"shape", {1, 3, 224, 224}}, {"data", tensor}}}},
      {"parameters", {{"binary_data_output", true}}}};
  const auto r4 = http_request(port, "POST", target, fp32_json.dump());
  ASSERT_EQ(r4.status, 200) << r4.body.substr(0, 300);
  const json fp32_head = {{"inputs",
                           {{{"name", "input"},
                             {"datatype", "FP32"},
                             {"shape", {1, 3, 224, 224}},
                             {"parameters", {{"binary_data_size", tensor.size() * 4}}}}}},
                          {"parameters", {{"binary_data_output", true}}}};
  const auto r5 = http_request(
      port, "POST", target,
      fp32_head.dump() + std::string(reinterpret_cast<const char*>(tensor.data()), tensor.size() * 4),
      {{"Inference-Header-Content-Length", std::to_string(fp32_head.dump().size())}});
  ASSERT_EQ(r5.status, 200) << r5.body.substr(0, 300);
  const auto tail = [](const HttpReply& r) {
    std::vector<float> v(1000);
    std::memcpy(v.data(), r.body.data() + std::stoul(r.headers.at("inference-header-content-length")), 4000);
    return v;
  };
  const auto a = tail(r4), b = tail(r5);
  for (std::size_t i = 0; i < 1000; ++i) EXPECT_NEAR(a[i], b[i], 1e-4) << i;
  EXPECT_EQ(server.stop(SIGTERM), 0) << server.log();
}

TEST(ServeCli, UsageErrors) {
  const auto r = run_cli({"serve", "--backend", "synthetic:alpha=1", "--record-every", "5"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--db"), std::string::npos) << r.err;
  const auto bad_host = run_cli(
      {"serve", "--backend", "synthetic:alpha=1", "--host", "example.org", "--meter", "none", "--idle-seconds", "0"});
  EXPECT_EQ(bad_host.exit_code, 3) << bad_host.err;
  EXPECT_NE(bad_host.err.find("--host example.org"), std::string::npos) << bad_host.err;
  const auto small_queue = run_cli(
      {"serve", "--backend", "synthetic:alpha=1", "--policy", "fixed:8", "--queue-capacity", "4"});
  EXPECT_EQ(small_queue.exit_code, 2) << small_queue.err;
}

}  // namespace
}  // namespace greenbatch::testing

namespace greenbatch::testing {
namespace {

json recommend_emit(const std::string& target, const std::string& policies) {
  const auto r = run_cli({"recommend", "--profile",
                          std::string(GREENBATCH_SOURCE_DIR) + "/bench/profiles/shufflenet_v2_x1_0.json", "--arrival",
                          "poisson:100", "--slo-p95", "200", "--requests", "2000", "--policies", policies, "--emit",
                          target, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out);
}

TEST(ServeCli, RecommendEmitsTheWinnerForEachServingSystem) {
  const auto serve = recommend_emit("greenbatch", "fixed,greedy,dynamic");
  const auto winner = serve["winner"]["policy"].get<std::string>();
  EXPECT_EQ(serve["emit"]["text"], "greenbatch serve --model shufflenet_v2_x1_0 --policy " + winner + "\n");

  const auto dynamic = recommend_emit("triton", "dynamic");
  const auto triton = dynamic["emit"]["text"].get<std::string>();
  EXPECT_NE(triton.find("dynamic_batching {"), std::string::npos) << triton;
  EXPECT_NE(triton.find("max_batch_size: "), std::string::npos) << triton;
  EXPECT_NE(triton.find("max_queue_delay_microseconds: "), std::string::npos) << triton;
  EXPECT_NE(triton.find("for " + dynamic["winner"]["policy"].get<std::string>() + "\n"), std::string::npos) << triton;

  const auto torchserve = recommend_emit("torchserve", "dynamic")["emit"]["text"].get<std::string>();
  EXPECT_NE(torchserve.find("batchSize: "), std::string::npos) << torchserve;
  EXPECT_NE(torchserve.find("maxBatchDelay: "), std::string::npos) << torchserve;

  // The slo policy cannot be written as a Triton batcher: said so, nothing pretends otherwise.
  const auto slo = recommend_emit("triton", "slo")["emit"]["text"].get<std::string>();
  EXPECT_NE(slo.find("not expressible"), std::string::npos) << slo;
  EXPECT_EQ(slo.find("dynamic_batching"), std::string::npos) << slo;
}

}  // namespace
}  // namespace greenbatch::testing

namespace greenbatch::testing {
namespace {

TEST(ServeCli, RecordEveryStoresOneTrialPerWindowAndLosesNoRequest) {
  TempDir dir("serve-windows");
  const auto db = (dir.path() / "windows.db").string();
  ServeProcess server(synthetic("synthetic:alpha=0,tau0=0,mode=sleep", {"--db", db, "--record-every", "0.5"}),
                      (dir.path() / "log").string());
  ASSERT_NE(server.port(), 0);
  const auto trials = [&] {
    const auto r = run_cli({"export", "--db", db, "--table", "trials", "--format", "json"});
    return r.exit_code == 0 ? json::parse(r.out) : json::array();
  };
  for (int i = 0; i < 5; ++i) ASSERT_EQ(infer(server.port(), fp32_body()).status, 200);
  bool stored = false;
  for (int i = 0; i < 600 && !stored; ++i) {  // until a window with them is stored (60 s at most)
    stored = !trials().empty();
    if (!stored) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(stored) << server.log();
  for (int i = 0; i < 5; ++i) ASSERT_EQ(infer(server.port(), fp32_body()).status, 200);
  EXPECT_EQ(server.stop(SIGTERM), 0) << server.log();
  const auto rows = trials();
  EXPECT_GE(rows.size(), 2U);
  int requests = 0, served = 0;
  std::set<std::string> ids;
  for (const auto& row : rows) {
    requests += row["requests"].get<int>();
    served += row["served"].get<int>();
    ids.insert(row["trial_id"].get<std::string>());
  }
  EXPECT_EQ(requests, 10);
  EXPECT_EQ(served, 10);
  EXPECT_EQ(ids.size(), rows.size());
}

}  // namespace
}  // namespace greenbatch::testing
