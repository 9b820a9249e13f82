// The flags of a remote trial, shared by run (and study's --target).
#include "remote_flags.h"

#include <CLI/CLI.hpp>

#include "greenbatch/core/error.h"
#include "number_flags.h"

namespace greenbatch::cli {

void add_remote_flags(CLI::App& cmd, RemoteFlags& flags) {
  cmd.add_option("--target", flags.target,
                 "send the load to this Open Inference Protocol server (http://HOST:PORT) instead of running the "
                 "model here; --model is the model's name on the server");
  add_number_option(cmd, "--max-in-flight", flags.max_in_flight,
                    "with --target: requests awaiting an answer at most; later sends wait and are counted late",
                    NumberRange::between(1, static_cast<double>(remote::kMaxInFlightLimit)));
  cmd.add_option("--payload", flags.payload,
                 "with --target: image (an encoded JPEG, BYTES) or tensor (FP32 of the model's input shape)")
      ->capture_default_str();
  add_number_option(cmd, "--request-timeout-ms", flags.request_timeout_ms,
                    "with --target: a request unanswered this long is a timeout fault", NumberRange::above(0.0));
  cmd.add_option("--server-policy", flags.server_policy,
                 "with --target: how the server batches (free text, the trial's policy column; default: what the "
                 "server reports, else unknown)");
}

std::optional<remote::RemoteSpec> remote_spec(const RemoteFlags& flags, const std::string& model) {
  if (flags.target.empty()) {
    const RemoteFlags defaults;
    if (flags.max_in_flight != defaults.max_in_flight || flags.payload != defaults.payload ||
        flags.request_timeout_ms != defaults.request_timeout_ms || !flags.server_policy.empty()) {
      throw UsageError(
          "--max-in-flight, --payload, --request-timeout-ms and --server-policy apply to remote trials; add "
          "--target URL or leave them out");
    }
    return std::nullopt;
  }
  remote::RemoteSpec spec{.endpoint = remote::parse_endpoint(flags.target),
                          .model = model,
                          .payload = remote::parse_payload(flags.payload),
                          .max_in_flight = static_cast<std::size_t>(flags.max_in_flight),
                          .request_timeout_ms = flags.request_timeout_ms,
                          .server_policy = flags.server_policy};
  remote::check_spec(spec);
  return spec;
}

}  // namespace greenbatch::cli
