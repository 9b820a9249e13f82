#pragma once
/// Before a remote trial: is the URL an Open Inference Protocol server, is the model ready, and
/// what does the model take? Blocking HTTP/1.1 requests, each bounded by a timeout.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "greenbatch/remote/target.h"

namespace greenbatch::remote {

/// The served model as its metadata (GET /v2/models/NAME) describes it.
struct ServedModel {
  std::string input_name = "input";       ///< the first input's name
  std::string input_datatype = "FP32";    ///< its datatype
  std::vector<std::int64_t> input_shape;  ///< its shape (-1 for the batch dimension)
  std::string output_name = "output";     ///< the first output's name
  std::optional<std::string> policy;      ///< `parameters.batching_policy`, when the server reports it
  std::string server;                     ///< "NAME VERSION" from GET /v2 ("" when it does not say)
};

/// Checks GET /v2/health/ready and GET /v2/models/MODEL/ready answer 200, then reads the model's
/// metadata. Throws InputError naming the URL, what answered and the fix: nothing listens, not an
/// Open Inference Protocol server (e.g. a plain web server), not ready, unknown model.
ServedModel probe_server(const RemoteSpec& spec, double timeout_s = 5.0);

/// The FP32 values one request carries for `model`: its input shape with the batch dimension (a
/// leading -1 or any -1) as 1; throws InputError when the metadata gives no usable FP32 shape.
std::size_t tensor_elements(const ServedModel& model, const Endpoint& endpoint);

}  // namespace greenbatch::remote
