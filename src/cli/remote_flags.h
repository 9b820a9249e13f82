#pragma once
/// Internal to cli: the flags that point a trial at an Open Inference Protocol server (--target
/// and how requests are sent), turned into the typed remote spec once.

#include <cstdint>
#include <optional>
#include <string>

#include "greenbatch/remote/target.h"

namespace CLI {
class App;
}  // namespace CLI

namespace greenbatch::cli {

/// Parsed remote flags.
struct RemoteFlags {
  std::string target;                   ///< --target URL (empty: an in-process trial)
  std::int64_t max_in_flight = 1024;    ///< --max-in-flight
  std::string payload = "image";        ///< --payload image|tensor
  double request_timeout_ms = 30000.0;  ///< --request-timeout-ms
  std::string server_policy;            ///< --server-policy TEXT
};

/// Adds --target, --max-in-flight, --payload, --request-timeout-ms and --server-policy.
void add_remote_flags(CLI::App& cmd, RemoteFlags& flags);

/// The remote spec for the server model `model`, or nullopt without --target; throws UsageError
/// for a bad URL, payload or number, and when a sending flag is given without --target.
std::optional<remote::RemoteSpec> remote_spec(const RemoteFlags& flags, const std::string& model);

}  // namespace greenbatch::cli
