// The readiness and metadata checks before a remote trial, with Boost.Beast.
#include "greenbatch/remote/server_probe.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

// Asio's scheduler trips GCC's -Wnull-dereference when inlined at -O3 (a false positive, as in
// serve/http_server.cpp); silence it for Boost's code only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#pragma GCC diagnostic pop
#include <nlohmann/json.hpp>

#include "greenbatch/core/error.h"

namespace greenbatch::remote {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

struct ProbeReply {
  int status = 0;
  std::string body;
};

// One GET on a fresh connection; throws InputError when the server cannot be reached or answers no HTTP.
ProbeReply probe_get(const Endpoint& endpoint, const std::string& path, double timeout_s) {
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  const auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(timeout_s * 1e3));
  const auto where = endpoint.url() + path;
  try {
    tcp::resolver resolver(io);
    const auto addresses = resolver.resolve(endpoint.host, std::to_string(endpoint.port));
    stream.expires_after(timeout);
    stream.connect(addresses);
    http::request<http::empty_body> request(http::verb::get, endpoint.base_path + path, 11);
    request.set(http::field::host, endpoint.host);
    request.set(http::field::connection, "close");
    stream.expires_after(timeout);
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(1u << 20);
    stream.expires_after(timeout);
    http::read(stream, buffer, parser);
    return {static_cast<int>(parser.get().result_int()), parser.get().body()};
  } catch (const boost::system::system_error& e) {
    const bool http_error = e.code().category() ==
                            boost::beast::http::make_error_code(http::error::end_of_stream).category();
    throw InputError(fmt::format("--target {}: GET {} failed ({}{}); {}", endpoint.url(), where,
                                 http_error ? "the answer is not HTTP: " : "", e.code().message(),
                                 http_error ? "point --target at an Open Inference Protocol server's HTTP root"
                                            : "start the server or correct the URL"));
  }
}

std::string excerpt(const std::string& body) {
  auto text = body.substr(0, 200);
  for (auto& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

}  // namespace

ServedModel probe_server(const RemoteSpec& spec, double timeout_s) {
  const auto url = spec.endpoint.url();
  const auto ready = probe_get(spec.endpoint, "/v2/health/ready", timeout_s);
  if (ready.status == 404 || ready.status == 405 || ready.status == 501 || ready.status / 100 == 3) {
    throw InputError(fmt::format(
        "--target {} is not an Open Inference Protocol server: GET /v2/health/ready answered {}; point --target at "
        "the HTTP root of a KServe v2 server (greenbatch serve, Triton, TorchServe's KServe mode)",
        url, ready.status));
  }
  if (ready.status != 200) {
    throw InputError(
        fmt::format("--target {} is not ready: GET /v2/health/ready answered {} ({}); wait until the "
                    "server is up, then rerun",
                    url, ready.status, excerpt(ready.body)));
  }
  const auto model_path = "/v2/models/" + spec.model;
  const auto model_ready = probe_get(spec.endpoint, model_path + "/ready", timeout_s);
  if (model_ready.status != 200) {
    throw InputError(
        fmt::format("model '{}' is not ready on {}: GET {}/ready answered {} ({}); give the name the "
                    "server serves the model under (--model, or models in a study)",
                    spec.model, url, model_path, model_ready.status, excerpt(model_ready.body)));
  }
  ServedModel model;
  const auto metadata = probe_get(spec.endpoint, model_path, timeout_s);
  const auto json = nlohmann::json::parse(metadata.body, nullptr, false);
  if (metadata.status != 200 || !json.is_object()) {
    throw InputError(
        fmt::format("--target {}: GET {} answered {} without model metadata JSON ({}); is it an Open "
                    "Inference Protocol server?",
                    url, model_path, metadata.status, excerpt(metadata.body)));
  }
  if (const auto inputs = json.find("inputs"); inputs != json.end() && inputs->is_array() && !inputs->empty()) {
    const auto& in = inputs->front();
    model.input_name = in.value("name", model.input_name);
    model.input_datatype = in.value("datatype", model.input_datatype);
    if (const auto shape = in.find("shape"); shape != in.end() && shape->is_array()) {
      for (const auto& d : *shape) {
        if (d.is_number_integer()) model.input_shape.push_back(d.get<std::int64_t>());
      }
    }
  }
  if (const auto outputs = json.find("outputs"); outputs != json.end() && outputs->is_array() && !outputs->empty()) {
    model.output_name = outputs->front().value("name", model.output_name);
  }
  if (const auto params = json.find("parameters"); params != json.end() && params->is_object()) {
    if (const auto policy = params->find("batching_policy"); policy != params->end() && policy->is_string())
      model.policy = policy->get<std::string>();
  }
  const auto server = probe_get(spec.endpoint, "/v2", timeout_s);
  const auto about = nlohmann::json::parse(server.body, nullptr, false);
  if (server.status == 200 && about.is_object()) {
    model.server = fmt::format("{} {}", about.value("name", std::string("unknown")),
                               about.value("version", std::string()));
  }
  return model;
}

std::size_t tensor_elements(const ServedModel& model, const Endpoint& endpoint) {
  std::size_t count = 1;
  bool batch_seen = false;
  for (const auto d : model.input_shape) {
    if (d < 0) {
      if (batch_seen) count = 0;  // two free dimensions: no single shape to send
      batch_seen = true;
      continue;
    }
    count *= static_cast<std::size_t>(d);
  }
  if (model.input_shape.empty() || count == 0 || model.input_datatype != "FP32") {
    throw InputError(
        fmt::format("--target {}: the model's input \"{}\" is {} of shape [{}]; --payload tensor needs "
                    "FP32 with one free (batch) dimension; use --payload image",
                    endpoint.url(), model.input_name, model.input_datatype, fmt::join(model.input_shape, ",")));
  }
  return count;
}

}  // namespace greenbatch::remote
