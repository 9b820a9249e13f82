// The Open Inference Protocol's request and response bodies (JSON and binary-tensor extension).
#include "greenbatch/serve/inference_protocol.h"

#include <fmt/format.h>
#include <boost/archive/iterators/binary_from_base64.hpp>
#include <boost/archive/iterators/transform_width.hpp>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>
#include <numeric>

#include "greenbatch/engine/class_names.h"
#include "greenbatch/engine/top_k.h"

namespace greenbatch::serve {
namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& message) { throw RequestError(400, message); }

// The member `key` of `object`, or null when it has none.
const json* member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto& map = object.get_ref<const json::object_t&>();
  const auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

// Whether `object` has a string member "name" equal to `expected`.
bool named(const json& object, const std::string& expected) {
  const auto* name = member(object, "name");
  return name != nullptr && name->is_string() && name->get_ref<const std::string&>() == expected;
}

std::string shape_text(const std::vector<std::int64_t>& shape) { return fmt::format("[{}]", fmt::join(shape, ",")); }

// Standard base64 (RFC 4648, padded or not); throws on any other character.
std::vector<std::uint8_t> decode_base64(std::string_view text) {
  static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.find_first_not_of(alphabet) != std::string_view::npos || text.size() % 4 == 1) {
    bad("input BYTES element is not base64 text: send the image base64-encoded in JSON, or raw with the "
        "binary-tensor extension");
  }
  using Decoder = boost::archive::iterators::transform_width<
      boost::archive::iterators::binary_from_base64<std::string_view::const_iterator>, 8, 6>;
  std::vector<std::uint8_t> out(Decoder(text.begin()), Decoder(text.end()));
  out.resize(text.size() * 3 / 4);  // drop the bits of the last partial group
  return out;
}

// Flattens a (possibly nested, row-major) JSON array of numbers into `out`.
void flatten_numbers(const json& data, std::vector<float>& out, std::size_t limit, int depth = 0) {
  if (data.is_array()) {
    if (depth > 4) bad("input data is nested deeper than the shape [1,C,H,W]");
    for (const auto& item : data) {
      flatten_numbers(item, out, limit, depth + 1);
      if (out.size() > limit) return;
    }
    return;
  }
  if (!data.is_number()) bad("input data holds a non-number: FP32 data must be numbers");
  out.push_back(data.get<float>());
}

struct BinarySection {
  std::string_view rest;  // the bytes after the JSON part not yet consumed
  bool present = false;

  std::string_view take(std::size_t n, const std::string& what) {
    if (!present)
      bad(fmt::format("{} has binary_data_size but the request has no Inference-Header-Content-Length", what));
    if (n > rest.size()) {
      bad(fmt::format("{} declares binary_data_size {} but only {} bytes follow the JSON", what, n, rest.size()));
    }
    auto part = rest.substr(0, n);
    rest.remove_prefix(n);
    return part;
  }
};

std::vector<std::int64_t> parse_shape(const json& input) {
  const auto* it = member(input, "shape");
  if (it == nullptr || !it->is_array()) bad("input needs a \"shape\" array");
  std::vector<std::int64_t> shape;
  for (const auto& d : *it) {
    if (!d.is_number_integer() || d.get<std::int64_t>() < 0) bad("input shape must hold non-negative integers");
    shape.push_back(d.get<std::int64_t>());
  }
  return shape;
}

std::optional<std::size_t> binary_size(const json& node) {
  const auto* params = member(node, "parameters");
  if (params == nullptr) return std::nullopt;
  if (!params->is_object()) bad("\"parameters\" must be an object");
  const auto* size = member(*params, "binary_data_size");
  if (size == nullptr) return std::nullopt;
  if (!size->is_number_unsigned()) bad("binary_data_size must be a non-negative integer");
  return size->get<std::size_t>();
}

InferInput parse_fp32(const json& input, const std::vector<std::int64_t>& shape, BinarySection& binary,
                      const ModelSignature& sig) {
  const auto& s = sig.input;
  const std::vector<std::int64_t> batched{1, s.channels, s.height, s.width};
  const std::vector<std::int64_t> single{s.channels, s.height, s.width};
  if (shape != batched && shape != single) {
    bad(fmt::format("input \"{}\" has shape {}; expected {} (one image per request; the server batches)",
                    sig.input_name, shape_text(shape), shape_text(batched)));
  }
  const std::size_t count = s.image_floats();
  InferInput out;
  if (const auto bytes = binary_size(input)) {
    if (*bytes != count * sizeof(float)) {
      bad(fmt::format("input binary_data_size is {} bytes; FP32 {} needs {}", *bytes, shape_text(batched),
                      count * sizeof(float)));
    }
    const auto raw = binary.take(*bytes, "input");
    out.tensor.resize(count);
    std::memcpy(out.tensor.data(), raw.data(), raw.size());  // little-endian, as the extension specifies
    return out;
  }
  const auto* data = member(input, "data");
  if (data == nullptr) bad("input needs \"data\" (or binary_data_size with the binary-tensor extension)");
  out.tensor.reserve(count);
  flatten_numbers(*data, out.tensor, count);
  if (out.tensor.size() != count) {
    const auto got = out.tensor.size() > count ? fmt::format("more than {}", count) : std::to_string(out.tensor.size());
    bad(fmt::format("input data holds {} values; shape {} needs {}", got, shape_text(shape), count));
  }
  return out;
}

InferInput parse_bytes(const json& input, const std::vector<std::int64_t>& shape, BinarySection& binary,
                       const ModelSignature& sig) {
  if (shape != std::vector<std::int64_t>{1} && shape != std::vector<std::int64_t>{1, 1}) {
    bad(fmt::format("BYTES input \"{}\" has shape {}; expected [1]: one encoded JPEG/PNG image per request",
                    sig.input_name, shape_text(shape)));
  }
  InferInput out;
  if (const auto bytes = binary_size(input)) {
    // Triton's BYTES serialisation: each element is a 4-byte little-endian length, then its bytes.
    auto raw = binary.take(*bytes, "input");
    if (raw.size() < 4) bad("BYTES binary data must start with a 4-byte element length");
    std::uint32_t length = 0;
    std::memcpy(&length, raw.data(), 4);
    if (length != raw.size() - 4) {
      bad(fmt::format("BYTES element length {} does not match its binary_data_size {} (minus 4)", length, raw.size()));
    }
    out.image.assign(raw.begin() + 4, raw.end());
    return out;
  }
  const auto* data = member(input, "data");
  if (data == nullptr) bad("input needs \"data\" (or binary_data_size with the binary-tensor extension)");
  const json* element = &*data;
  while (element->is_array() && element->size() == 1) element = &element->front();
  if (!element->is_string()) bad("BYTES input data must hold one base64 string (the encoded image)");
  out.image = decode_base64(element->get_ref<const std::string&>());
  if (out.image.empty()) bad("BYTES input holds an empty image");
  return out;
}

void parse_outputs(const json& root, InferRequest& request, const ModelSignature& sig) {
  if (const auto* params = member(root, "parameters")) {
    if (!params->is_object()) bad("\"parameters\" must be an object");
    if (const auto* b = member(*params, "binary_data_output"); b != nullptr) {
      if (!b->is_boolean()) bad("binary_data_output must be true or false");
      request.binary_output = b->get<bool>();
    }
  }
  const auto* outputs = member(root, "outputs");
  if (outputs == nullptr) return;
  if (!outputs->is_array() || outputs->size() > 1) {
    bad(fmt::format("\"outputs\" must be an array naming at most the one output \"{}\"", sig.output_name));
  }
  for (const auto& output : *outputs) {
    if (!output.is_object() || !named(output, sig.output_name)) {
      bad(fmt::format("unknown output; the model has one output, \"{}\"", sig.output_name));
    }
    const auto* params = member(output, "parameters");
    if (params == nullptr) continue;
    if (!params->is_object()) bad("output \"parameters\" must be an object");
    if (const auto* c = member(*params, "classification"); c != nullptr) {
      if (!c->is_number_integer() || c->get<std::int64_t>() < 1) bad("classification must be a positive integer (k)");
      if (sig.classes == 0)
        throw RequestError(400, "classification needs a model with class scores; this backend has none");
      request.classification = static_cast<int>(std::min<std::int64_t>(c->get<std::int64_t>(), sig.classes));
    }
    if (const auto* b = member(*params, "binary_data"); b != nullptr) {
      if (!b->is_boolean()) bad("output binary_data must be true or false");
      request.binary_output = b->get<bool>();
    }
  }
}

}  // namespace

InferRequest parse_infer_request(std::string_view body, std::optional<std::size_t> json_length,
                                 const ModelSignature& signature) {
  BinarySection binary;
  std::string_view json_part = body;
  if (json_length) {
    if (*json_length > body.size()) {
      bad(fmt::format("Inference-Header-Content-Length {} exceeds the body's {} bytes", *json_length, body.size()));
    }
    json_part = body.substr(0, *json_length);
    binary = {body.substr(*json_length), true};
  }
  const auto root = json::parse(json_part, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) bad("the request body is not valid JSON");
  if (!root.is_object()) bad("the request body must be a JSON object with \"inputs\"");

  InferRequest request;
  if (const auto* id = member(root, "id"); id != nullptr) {
    if (!id->is_string()) bad("\"id\" must be a string");
    request.id = id->get_ref<const std::string&>();
  }
  const auto* inputs = member(root, "inputs");
  if (inputs == nullptr || !inputs->is_array() || inputs->size() != 1) {
    bad(fmt::format("\"inputs\" must be an array of exactly one input, \"{}\"", signature.input_name));
  }
  const auto& input = inputs->front();
  if (!input.is_object()) bad("each input must be a JSON object");
  if (!named(input, signature.input_name)) {
    bad(fmt::format("unknown input name; expected \"{}\"", signature.input_name));
  }
  const auto* datatype = member(input, "datatype");
  if (datatype == nullptr || !datatype->is_string()) bad("input needs a \"datatype\": FP32 or BYTES");
  const auto shape = parse_shape(input);
  if (*datatype == "FP32") {
    request.input = parse_fp32(input, shape, binary, signature);
  } else if (*datatype == "BYTES") {
    request.input = parse_bytes(input, shape, binary, signature);
  } else {
    bad(fmt::format("input datatype {} is not served; expected FP32 (shape [1,{},{},{}]) or BYTES (an encoded image)",
                    datatype->dump(), signature.input.channels, signature.input.height, signature.input.width));
  }
  if (!binary.rest.empty()) bad(fmt::format("{} bytes follow the binary tensors unread", binary.rest.size()));
  parse_outputs(root, request, signature);
  return request;
}

EncodedResponse encode_infer_response(const InferRequest& request, std::span<const float> logits,
                                      const ResponseParameters& p, const ModelSignature& signature) {
  json params = {{"queue_ms", p.queue_ms},
                 {"service_ms", p.service_ms},
                 {"batch_size", p.batch_size},
                 {"batch_id", p.batch_id},
                 {"energy_j", p.energy_j ? json(*p.energy_j) : json(nullptr)},
                 {"energy_source", p.energy_source}};
  if (p.dynamic_energy_j) params["dynamic_energy_j"] = *p.dynamic_energy_j;
  json output = {{"name", signature.output_name}};
  std::string binary;
  if (request.classification) {
    const auto& names = engine::imagenet_class_names();
    auto labels = json::array();
    for (const int c : engine::top_k_indices(logits, *request.classification)) {
      const auto label = signature.classes == static_cast<int>(names.size()) ? names[static_cast<std::size_t>(c)]
                                                                             : fmt::format("class {}", c);
      labels.push_back(fmt::format("{}:{}:{}", logits[static_cast<std::size_t>(c)], c, label));
    }
    output["datatype"] = "BYTES";
    output["shape"] = {1, labels.size()};
    if (request.binary_output) {
      for (const auto& l : labels) {
        const auto& text = l.get_ref<const std::string&>();
        const auto n = static_cast<std::uint32_t>(text.size());
        binary.append(reinterpret_cast<const char*>(&n), 4);
        binary += text;
      }
    } else {
      output["data"] = std::move(labels);
    }
  } else {
    output["datatype"] = "FP32";
    output["shape"] = {1, logits.size()};
    if (request.binary_output) {
      binary.assign(reinterpret_cast<const char*>(logits.data()), logits.size_bytes());
    } else {
      output["data"] = std::vector<float>(logits.begin(), logits.end());
    }
  }
  if (request.binary_output) output["parameters"] = {{"binary_data_size", binary.size()}};
  json root = {{"model_name", signature.name}, {"model_version", "1"}};
  if (!request.id.empty()) root["id"] = request.id;
  root["parameters"] = std::move(params);
  root["outputs"] = json::array({std::move(output)});
  EncodedResponse out{root.dump(), std::nullopt};
  if (request.binary_output) {
    out.json_length = out.body.size();
    out.body += binary;
  }
  return out;
}

std::string server_metadata_json() {
  return json{{"name", "greenbatch"},
              {"version", GREENBATCH_SERVE_VERSION},
              {"extensions", {"binary_tensor_data", "classification", "energy_parameters"}}}
      .dump();
}

std::string model_metadata_json(const ModelSignature& s) {
  const auto& in = s.input;
  json metadata{
      {"name", s.name},
      {"versions", {"1"}},
      {"platform", s.platform},
      {"inputs", {{{"name", s.input_name}, {"datatype", "FP32"}, {"shape", {-1, in.channels, in.height, in.width}}}}},
      {"outputs", {{{"name", s.output_name}, {"datatype", "FP32"}, {"shape", {-1, s.classes}}}}}};
  if (!s.policy.empty()) metadata["parameters"] = {{"batching_policy", s.policy}};
  return metadata.dump();
}

std::string error_json(std::string_view message) {
  // Messages may quote request bytes that are not UTF-8: replace those rather than throw.
  return json{{"error", message}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace greenbatch::serve
