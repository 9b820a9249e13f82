// Strict parsing of a server URL and the remote trial's sending options.
#include "greenbatch/remote/target.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "greenbatch/core/error.h"

namespace greenbatch::remote {
namespace {

[[noreturn]] void bad_url(std::string_view url, std::string_view why) {
  throw UsageError(fmt::format("--target '{}': {}; give the server's HTTP root, e.g. http://127.0.0.1:8000", url, why));
}

bool host_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.'; }

bool path_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("-._~/%").find(c) != std::string_view::npos;
}

}  // namespace

std::string Endpoint::url() const {
  const bool v6 = host.find(':') != std::string::npos;
  return fmt::format("http://{}{}{}:{}{}", v6 ? "[" : "", host, v6 ? "]" : "", port, base_path);
}

Endpoint parse_endpoint(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  std::string lower(url.substr(0, std::min<std::size_t>(url.size(), 8)));
  std::ranges::transform(lower, lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower.starts_with("https://")) {
    bad_url(url, "https is not supported (greenbatch sends plain HTTP); use http:// or a TLS-terminating proxy");
  }
  if (!lower.starts_with(kScheme)) bad_url(url, "it must start with http://");
  std::string_view rest = url.substr(kScheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) bad_url(url, "a query or fragment is not allowed");
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) bad_url(url, "user information is not allowed");
  Endpoint e;
  std::string_view port;
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) bad_url(url, "an IPv6 address needs a closing ]");
    e.host = std::string(authority.substr(1, close - 1));
    if (e.host.empty() || !std::ranges::all_of(e.host, [](char c) {
          return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
        }))
      bad_url(url, "the IPv6 address is malformed");
    authority.remove_prefix(close + 1);
    if (!authority.empty()) {
      if (!authority.starts_with(':')) bad_url(url, "junk after the IPv6 address");
      port = authority.substr(1);
      if (port.empty()) bad_url(url, "the port is empty");
    }
  } else {
    const auto colon = authority.find(':');
    e.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) bad_url(url, "the port is empty");
    }
    if (e.host.empty()) bad_url(url, "the host is missing");
    if (!std::ranges::all_of(e.host, host_char))
      bad_url(url, fmt::format("'{}' is not a host name or address", e.host));
  }
  if (!port.empty()) {
    if (port.size() > 5 ||
        !std::ranges::all_of(port, [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      bad_url(url, fmt::format("port '{}' is not a number from 1 to 65535", port));
    const int value = std::stoi(std::string(port));
    if (value < 1 || value > 65535) bad_url(url, fmt::format("port {} is not from 1 to 65535", value));
    e.port = static_cast<std::uint16_t>(value);
  }
  while (path.ends_with('/')) path.remove_suffix(1);
  if (!std::ranges::all_of(path, path_char)) bad_url(url, "the path holds characters a URL path may not");
  if (path.ends_with("/v2") || path.find("/v2/") != std::string_view::npos)
    bad_url(url, "give the root the /v2 paths hang from, without /v2");
  e.base_path = std::string(path);
  return e;
}

std::string_view to_string(PayloadKind kind) { return kind == PayloadKind::image ? "image" : "tensor"; }

PayloadKind parse_payload(std::string_view text) {
  if (text == "image") return PayloadKind::image;
  if (text == "tensor") return PayloadKind::tensor;
  throw UsageError(fmt::format("--payload '{}' is not a payload; use image (an encoded JPEG) or tensor (FP32)", text));
}

void check_spec(const RemoteSpec& spec) {
  if (spec.max_in_flight < 1 || spec.max_in_flight > kMaxInFlightLimit) {
    throw UsageError(fmt::format("--max-in-flight {} must be from 1 to {}", spec.max_in_flight, kMaxInFlightLimit));
  }
  if (!std::isfinite(spec.request_timeout_ms) || spec.request_timeout_ms <= 0.0) {
    throw UsageError(
        fmt::format("--request-timeout-ms {} must be a positive number of milliseconds", spec.request_timeout_ms));
  }
  if (spec.model.empty() || !std::ranges::all_of(spec.model, [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
               std::string_view("-._").find(c) != std::string_view::npos;
      })) {
    throw UsageError(
        fmt::format("model name '{}' cannot name a model on a server (letters, digits, - . _ only); give "
                    "the name the server serves it under (--model, or models in a study)",
                    spec.model));
  }
}

}  // namespace greenbatch::remote
