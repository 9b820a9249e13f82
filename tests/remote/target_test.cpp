// URL parsing and the sending options' checks.
#include "greenbatch/remote/target.h"

#include <gtest/gtest.h>

#include "greenbatch/core/error.h"

namespace greenbatch::remote {
namespace {

TEST(Endpoint, ParsesHostPortAndPrefix) {
  const auto a = parse_endpoint("http://127.0.0.1:8001");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 8001);
  EXPECT_EQ(a.base_path, "");
  EXPECT_EQ(a.url(), "http://127.0.0.1:8001");
  const auto b = parse_endpoint("HTTP://inference.example:80/kserve/");
  EXPECT_EQ(b.host, "inference.example");
  EXPECT_EQ(b.port, 80);
  EXPECT_EQ(b.base_path, "/kserve");
  EXPECT_EQ(parse_endpoint("http://localhost").port, 80);
  const auto v6 = parse_endpoint("http://[::1]:9000");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.url(), "http://[::1]:9000");
}

TEST(Endpoint, RefusesEverythingElseNamingTheUrl) {
  for (const std::string bad :
       {"", "https://127.0.0.1", "ftp://h", "127.0.0.1:8000", "http://", "http://:80", "http://h:", "http://h:0",
        "http://h:65536", "http://h:8x", "http://u:p@h", "http://h/p?q=1", "http://h/#f", "http://h h", "http://[::1",
        "http://[zz]:1", "http://h/v2", "http://h/a/v2/models"}) {
    try {
      parse_endpoint(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("'" + bad + "'"), std::string::npos) << e.what();
    }
  }
}

TEST(RemoteSpec, ChecksPayloadNumbersAndModelName) {
  EXPECT_EQ(parse_payload("image"), PayloadKind::image);
  EXPECT_EQ(parse_payload("tensor"), PayloadKind::tensor);
  EXPECT_THROW(parse_payload("jpeg"), UsageError);
  RemoteSpec spec{.endpoint = parse_endpoint("http://h:1"), .model = "resnet50_v1.5-onnx"};
  EXPECT_NO_THROW(check_spec(spec));
  spec.max_in_flight = 0;
  EXPECT_THROW(check_spec(spec), UsageError);
  spec.max_in_flight = kMaxInFlightLimit + 1;
  EXPECT_THROW(check_spec(spec), UsageError);
  spec.max_in_flight = 4;
  spec.request_timeout_ms = 0;
  EXPECT_THROW(check_spec(spec), UsageError);
  spec.request_timeout_ms = 100;
  spec.model = "a/../b";
  EXPECT_THROW(check_spec(spec), UsageError);
}

}  // namespace
}  // namespace greenbatch::remote
