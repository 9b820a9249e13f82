#pragma once
/// Where a remote trial sends its load: an Open Inference Protocol server's URL, parsed strictly
/// once into a typed value, and how requests are sent to it (payload, in-flight bound, timeout).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace greenbatch::remote {

/// A server's HTTP root, e.g. http://127.0.0.1:8000 or http://host/prefix.
struct Endpoint {
  std::string host;         ///< a name, an IPv4 address, or an IPv6 address without brackets
  std::uint16_t port = 80;  ///< 80 when the URL gives none
  std::string base_path;    ///< "" or "/prefix" (no trailing slash): prepended to every /v2 path
  /// The normalised URL: http://HOST:PORT[/prefix] (IPv6 in brackets).
  [[nodiscard]] std::string url() const;
};

/// Parses `url` strictly: http:// only, a host, an optional port 1..65535, an optional path
/// prefix; no user info, query or fragment. Throws UsageError naming the URL and the fix (https
/// included: greenbatch speaks plain HTTP; put a TLS-terminating proxy in front).
Endpoint parse_endpoint(std::string_view url);

/// What each request carries.
enum class PayloadKind {
  image,   ///< one encoded JPEG as a BYTES input (binary-tensor extension); the server decodes it
  tensor,  ///< an FP32 tensor of the model's input shape (binary-tensor extension)
};

/// "image" or "tensor".
std::string_view to_string(PayloadKind kind);
/// The kind named `text`; throws UsageError naming the flag and the choices.
PayloadKind parse_payload(std::string_view text);

/// The most requests in flight a client may be given.
inline constexpr std::size_t kMaxInFlightLimit = 65536;

/// A remote trial's target and sending options, checked.
struct RemoteSpec {
  Endpoint endpoint;                         ///< the server
  std::string model;                         ///< the model's name on the server (/v2/models/NAME)
  PayloadKind payload = PayloadKind::image;  ///< what requests carry
  std::size_t max_in_flight = 1024;          ///< requests awaiting an answer at most; later sends wait (late)
  double request_timeout_ms = 30000.0;       ///< a request unanswered this long is a timeout fault
  std::string server_policy;                 ///< how the server batches (free text); empty: what it reports
};

/// Checks the numbers and the model name of `spec` (max in flight 1..kMaxInFlightLimit, a
/// positive finite timeout, a model name usable in a URL path); throws UsageError naming the flag.
void check_spec(const RemoteSpec& spec);

}  // namespace greenbatch::remote
