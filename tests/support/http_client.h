#pragma once
/// Test helper: a blocking HTTP/1.1 client on a plain socket that sends exactly the bytes it is
/// given (malformed ones included) and checks what comes back with Beast's response parser.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace greenbatch::testing {

/// One parsed HTTP response.
struct HttpReply {
  int status = 0;                              ///< status code
  std::map<std::string, std::string> headers;  ///< names in lower case
  std::string body;                            ///< the body
};

/// Connects to 127.0.0.1:`port`, sends `bytes`, closes its sending side and returns every byte
/// received until the server closes (at most `timeout_s` of silence). Empty when it cannot connect.
std::string send_raw(std::uint16_t port, std::string_view bytes, double timeout_s = 30.0);

/// The first complete, valid HTTP response in `bytes`; nullopt when there is none.
std::optional<HttpReply> parse_reply(std::string_view bytes);

/// Sends one well-formed request (Connection: close) and parses the answer; status 0 when there
/// was no valid answer.
HttpReply http_request(std::uint16_t port, const std::string& method, const std::string& target,
                       const std::string& body = {}, const std::map<std::string, std::string>& headers = {});

}  // namespace greenbatch::testing
