#pragma once
/// The Open Inference Protocol (KServe v2 REST) as greenbatch serves it: the model's signature,
/// infer requests parsed into typed values (JSON tensors, BYTES images, the binary-tensor
/// extension) and responses formatted back. Pure functions: no sockets, no queues.

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "greenbatch/engine/image_batch.h"

namespace greenbatch::serve {

/// A request the server refuses, with the HTTP status to answer and a message naming the fault.
class RequestError : public std::runtime_error {
 public:
  /// `status` is 400, 404, 413, 500 or 503; `message` names the bad part and what was expected.
  RequestError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  /// The HTTP status code to answer with.
  [[nodiscard]] int status() const { return status_; }

 private:
  int status_;
};

/// What the served model accepts and returns (one image per request; the server batches).
struct ModelSignature {
  std::string name;                    ///< the model's name in URLs (/v2/models/{name})
  std::string platform;                ///< "torch" or "synthetic"
  engine::InputShape input;            ///< one image's shape
  int classes = 0;                     ///< logits per image (0 for the synthetic backend)
  bool takes_images = true;            ///< the input is an image (BYTES accepted, values reach the model);
                                       ///< false for the synthetic backend, which only counts requests
  std::string input_name = "input";    ///< the one input tensor's name
  std::string output_name = "logits";  ///< the one output tensor's name
  std::string policy;                  ///< the batching policy's spec (metadata parameters.batching_policy)
};

/// The decoded input of one infer request.
struct InferInput {
  std::vector<float> tensor;        ///< FP32: input.image_floats() preprocessed values
  std::vector<std::uint8_t> image;  ///< BYTES: one encoded JPEG/PNG image (tensor empty)
};

/// One infer request, parsed and checked against the signature.
struct InferRequest {
  std::string id;                     ///< the client's "id", echoed (may be empty)
  InferInput input;                   ///< the one image
  std::optional<int> classification;  ///< top-k classes instead of logits
  bool binary_output = false;         ///< answer the output with the binary-tensor extension
};

/// Parses an infer request body. `json_length` is the Inference-Header-Content-Length header
/// (the binary-tensor extension: JSON, then the binary tensors); absent: the body is all JSON.
/// Throws RequestError(400) naming the bad field and the expected name, datatype or shape.
InferRequest parse_infer_request(std::string_view body, std::optional<std::size_t> json_length,
                                 const ModelSignature& signature);

/// The per-request figures every response carries in "parameters".
struct ResponseParameters {
  double queue_ms = 0.0;                   ///< arrival to batch start
  double service_ms = 0.0;                 ///< batch start to batch end
  int batch_size = 0;                      ///< requests in its batch
  std::optional<double> energy_j;          ///< its share of the batch's energy window
  std::string energy_source = "none";      ///< "rapl", "nvml", "estimate", ... or "none"
  std::optional<double> dynamic_energy_j;  ///< the share above the idle baseline, when measured
  std::int64_t batch_id = 0;               ///< its batch's id (0, 1, ... in dispatch order; the --db record's)
};

/// An encoded response: body and, for binary output, the length of its JSON part.
struct EncodedResponse {
  std::string body;                        ///< JSON, or JSON followed by binary tensors
  std::optional<std::size_t> json_length;  ///< Inference-Header-Content-Length, when binary
};

/// Formats the response to `request`: `logits` (signature.classes values) or, with
/// classification, the top-k as "logit:index:label" strings (Triton's form), plus `parameters`.
EncodedResponse encode_infer_response(const InferRequest& request, std::span<const float> logits,
                                      const ResponseParameters& parameters, const ModelSignature& signature);

/// GET /v2: the server's name, version and extensions.
std::string server_metadata_json();

/// GET /v2/models/{name}: the model's inputs and outputs.
std::string model_metadata_json(const ModelSignature& signature);

/// An error body: {"error": message}.
std::string error_json(std::string_view message);

}  // namespace greenbatch::serve
