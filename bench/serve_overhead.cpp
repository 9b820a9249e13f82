// Open-loop client for `greenbatch serve`: sends infer requests at a fixed rate over keep-alive
// connections and reports the HTTP path's overhead per request: the client-measured response
// time minus the queue and service times the server reports in each answer's parameters.
//
//   greenbatch_serve_overhead PORT MODEL BODY_FILE [RATE=500] [SECONDS=10] [CONNECTIONS=16]
//
// Each connection sends its share of the rate on a fixed schedule (a late send is recorded, the
// schedule is not shifted). Run by bench/serve_bench.sh.
// Asio's scheduler trips GCC's -Wnull-dereference when inlined (as in src/serve/http_server.cpp).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#pragma GCC diagnostic pop
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <vector>

namespace {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Sample {
  double response_ms, server_ms, lateness_ms;
};

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1) + 0.5)];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    fmt::print(stderr, "usage: {} PORT MODEL BODY_FILE [RATE] [SECONDS] [CONNECTIONS]\n", argv[0]);
    return 2;
  }
  const std::string port = argv[1];
  const std::string target = fmt::format("/v2/models/{}/infer", argv[2]);
  std::ifstream in(argv[3], std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  const std::string body = text.str();
  const double rate = argc > 4 ? std::stod(argv[4]) : 500.0;
  const double seconds = argc > 5 ? std::stod(argv[5]) : 10.0;
  const int connections = argc > 6 ? std::stoi(argv[6]) : 16;

  std::mutex mutex;
  std::vector<Sample> samples;
  int errors = 0;
  const auto t0 = Clock::now() + std::chrono::milliseconds(200);
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      boost::asio::io_context ioc;
      tcp::resolver resolver(ioc);
      tcp::socket socket(ioc);
      boost::asio::connect(socket, resolver.resolve("127.0.0.1", port));
      boost::beast::flat_buffer buffer;
      const double gap = static_cast<double>(connections) / rate;
      std::vector<Sample> mine;
      int failed = 0;
      for (double s = gap * c / connections; s < seconds; s += gap) {
        const auto due = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
        std::this_thread::sleep_until(due);
        const auto sent = Clock::now();
        http::request<http::string_body> req{http::verb::post, target, 11};
        req.set(http::field::host, "127.0.0.1");
        req.set(http::field::content_type, "application/json");
        req.body() = body;
        req.prepare_payload();
        http::write(socket, req);
        http::response<http::string_body> res;
        http::read(socket, buffer, res);
        const auto done = Clock::now();
        if (res.result_int() != 200) {
          ++failed;
          continue;
        }
        const auto p = nlohmann::json::parse(res.body())["parameters"];
        mine.push_back({std::chrono::duration<double, std::milli>(done - sent).count(),
                        p["queue_ms"].get<double>() + p["service_ms"].get<double>(),
                        std::chrono::duration<double, std::milli>(sent - due).count()});
      }
      const std::lock_guard lock(mutex);
      samples.insert(samples.end(), mine.begin(), mine.end());
      errors += failed;
    });
  }
  for (auto& t : threads) t.join();
  std::vector<double> response, server, overhead, lateness;
  for (const auto& s : samples) {
    response.push_back(s.response_ms);
    server.push_back(s.server_ms);
    overhead.push_back(s.response_ms - s.server_ms);
    lateness.push_back(s.lateness_ms);
  }
  fmt::print("target {:g} req/s for {:g} s over {} connections: {} answered 200, {} other\n", rate, seconds,
             connections, samples.size(), errors);
  fmt::print("achieved {:.0f} req/s\n", static_cast<double>(samples.size()) / seconds);
  fmt::print("client response   p50 {:.3f} ms  p99 {:.3f} ms\n", quantile(response, 0.5), quantile(response, 0.99));
  fmt::print("server queue+svc  p50 {:.3f} ms  p99 {:.3f} ms\n", quantile(server, 0.5), quantile(server, 0.99));
  fmt::print("HTTP overhead     p50 {:.3f} ms  p99 {:.3f} ms\n", quantile(overhead, 0.5), quantile(overhead, 0.99));
  fmt::print("send lateness     p99 {:.3f} ms  max {:.3f} ms\n", quantile(lateness, 0.99), quantile(lateness, 1.0));
  return errors == 0 ? 0 : 1;
}
