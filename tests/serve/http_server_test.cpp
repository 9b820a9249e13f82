// The HTTP server alone: keep-alive (two requests on one connection, answered in order), answers
// given later from another thread, 413 for a body over the bound, and wait_answered().
#include "greenbatch/serve/http_server.h"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>
#include <vector>

#include "greenbatch/core/error.h"
#include "support/http_client.h"

namespace greenbatch::serve {
namespace {

TEST(HttpServer, KeepAliveAndAnswersFromAnotherThread) {
  std::mutex mutex;
  std::vector<std::thread> answering;
  HttpServer server({.port = 0, .max_body_bytes = 64}, [&](HttpRequest&& request, Responder respond) {
    const std::lock_guard lock(mutex);
    answering.emplace_back([request = std::move(request), respond] {
      respond({200, "text/plain", request.method + " " + request.target + " " + request.body, {}});
    });
  });
  server.start();
  // Two requests in one write on one connection (the second closes it): two answers, in order.
  const auto received = testing::send_raw(server.port(),
                                          "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                                          "GET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const auto first = testing::parse_reply(received);
  ASSERT_TRUE(first) << received;
  EXPECT_EQ(first->body, "POST /a abc");
  const auto second = testing::parse_reply(received.substr(received.find("HTTP/1.1", 10)));
  ASSERT_TRUE(second) << received;
  EXPECT_EQ(second->body, "GET /b ");
  EXPECT_TRUE(server.wait_answered(std::chrono::seconds(30)));

  const auto big = testing::http_request(server.port(), "POST", "/c", std::string(65, 'x'));
  EXPECT_EQ(big.status, 413);
  EXPECT_NE(big.body.find("64 bytes"), std::string::npos) << big.body;
  server.stop_accepting();
  server.stop();
  for (auto& t : answering) t.join();
}

TEST(HttpServer, RefusesAnAddressItCannotBind) {
  EXPECT_THROW(HttpServer({.host = "not-an-address", .port = 0}, [](HttpRequest&&, Responder) {}), InputError);
  HttpServer first({.port = 0}, [](HttpRequest&&, Responder) {});
  EXPECT_THROW(HttpServer({.port = first.port()}, [](HttpRequest&&, Responder) {}), InputError);
}

}  // namespace
}  // namespace greenbatch::serve
