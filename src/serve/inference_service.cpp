// The Open Inference Protocol service: routing, decoding before enqueueing, batch execution,
// per-request energy.
#include "greenbatch/serve/inference_service.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "greenbatch/core/error.h"
#include "greenbatch/engine/preprocess.h"

namespace greenbatch::serve {
namespace {

HttpResponse error_response(int status, std::string_view message) {
  return {status, "application/json", error_json(message), {}};
}

std::optional<std::size_t> parse_length(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  std::size_t value = 0;
  const auto* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end) {
    throw RequestError(400, fmt::format("Inference-Header-Content-Length \"{}\" is not a byte count", *text));
  }
  return value;
}

// The model name in "NAME", "NAME/versions/1" (the one version served).
std::string_view model_of(std::string_view rest) {
  constexpr std::string_view version = "/versions/1";
  if (rest.ends_with(version)) rest.remove_suffix(version.size());
  return rest;
}

}  // namespace

ModelSignature signature_of(engine::Backend& backend, const std::string& name) {
  const auto info = backend.info();
  // The synthetic backend returns no scores and takes its time from the batch size alone.
  if (info.kind == "synthetic") return {name, info.kind, {1, 1, 4}, 0, false};
  const auto probe = backend.run(engine::ImageBatch::zeros(1, backend.input_shape()));
  return {name, info.kind, backend.input_shape(), probe.classes};
}

InferenceService::InferenceService(engine::Backend& backend, runtime::SharedQueue& queue, ServiceOptions options,
                                   std::chrono::steady_clock::time_point start)
    : backend_(backend),
      queue_(queue),
      options_(std::move(options)),
      signature_(signature_of(backend, options_.model_name)),
      preprocessing_(backend.preprocessing()),
      t0_(start) {
  signature_.policy = options_.policy;
  if (options_.sampler) last_end_ = options_.sampler->mark();  // idle energy counts from the start
  if (options_.recorder) options_.recorder->set_clock_zero(t0_);
}

double InferenceService::now_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
}

std::size_t InferenceService::pending() const { return in_flight_.load(); }

void InferenceService::answer(const Responder& respond, HttpResponse response) {
  metrics_.count_response(response.status);
  respond(std::move(response));
}

MetricGauges InferenceService::gauges() const {
  MetricGauges g{queue_.view().size, pending(), queue_.capacity(), std::nullopt, {}};
  if (options_.sampler) {
    const double now = options_.sampler->mark().time_s;
    const auto recent = options_.sampler->trace(now - 1.0, now);
    if (!recent.empty() && recent.back().total_w) {
      g.power_w = recent.back().total_w;
      g.power_source = options_.sampler->meter_names();
    }
  }
  return g;
}

HttpResponse InferenceService::route_get(const std::string& path) {
  const std::string model_prefix = "/v2/models/";
  if (path == "/v2/health/live") return {200, "application/json", "{\"live\":true}", {}};
  if (path == "/v2/health/ready") {
    const bool ready = !draining_;
    return {ready ? 200 : 503, "application/json", fmt::format("{{\"ready\":{}}}", ready), {}};
  }
  if (path == "/v2") return {200, "application/json", server_metadata_json(), {}};
  if (path == "/metrics") return {200, "text/plain; version=0.0.4", metrics_.exposition(gauges()), {}};
  if (path.starts_with(model_prefix)) {
    std::string_view rest(path);
    rest.remove_prefix(model_prefix.size());
    const bool ready = rest.ends_with("/ready");
    if (ready) rest.remove_suffix(6);
    rest = model_of(rest);
    if (rest != signature_.name)
      return error_response(404, fmt::format("unknown model \"{}\"; this server serves \"{}\"", rest, signature_.name));
    if (ready) return {draining_ ? 503 : 200, "application/json", fmt::format("{{\"ready\":{}}}", !draining_), {}};
    return {200, "application/json", model_metadata_json(signature_), {}};
  }
  return error_response(404, fmt::format("no such endpoint: GET {}", path));
}

void InferenceService::handle(HttpRequest&& request, const Responder& respond) {
  try {
    const auto query = request.target.find('?');
    const std::string path = request.target.substr(0, query);
    if (request.method == "GET") return answer(respond, route_get(path));
    const std::string model_prefix = "/v2/models/";
    if (request.method == "POST" && path.starts_with(model_prefix) && path.ends_with("/infer")) {
      auto name = std::string_view(path).substr(model_prefix.size());
      name.remove_suffix(6);
      name = model_of(name);
      if (name != signature_.name) {
        return answer(respond, error_response(404, fmt::format("unknown model \"{}\"; this server serves \"{}\"", name,
                                                               signature_.name)));
      }
      return infer(request, respond);
    }
    answer(respond, error_response(request.method == "POST" ? 404 : 405,
                                   fmt::format("no such endpoint: {} {}", request.method, path)));
  } catch (const RequestError& e) {
    answer(respond, error_response(e.status(), e.what()));
  } catch (const std::exception& e) {
    answer(respond, error_response(500, fmt::format("internal error: {}", e.what())));
  }
}

void InferenceService::infer(const HttpRequest& http, const Responder& respond) {
  auto request = parse_infer_request(http.body, parse_length(http.inference_header_length), signature_);
  if (!request.input.image.empty()) {
    if (!signature_.takes_images) {
      throw RequestError(400, "BYTES images need an image model; the synthetic backend takes FP32 of shape [1,1,1,4]");
    }
    try {
      const auto image = engine::decode_image_bytes(request.input.image, "the BYTES input");
      request.input.tensor.resize(signature_.input.image_floats());
      engine::preprocess_into(image, preprocessing_, request.input.tensor.data());
    } catch (const InputError& e) {
      throw RequestError(400, fmt::format("the BYTES input is not a JPEG or PNG image: {}", e.what()));
    }
    request.input.image = {};
  }
  const auto id = next_id_.fetch_add(1);
  const double arrival = now_s();
  const auto refuse = [&](const std::string& reason, const std::string& message) {
    metrics_.count_rejection(reason);
    if (options_.recorder) options_.recorder->add_rejected(id, arrival);
    answer(respond, {503,
                     "application/json",
                     error_json(message),
                     {{"Retry-After", fmt::format("{}", std::max(1, static_cast<int>(options_.retry_after_s)))}}});
  };
  if (draining_) return refuse("draining", "the server is shutting down; retry on another instance");
  {
    const std::lock_guard lock(pending_mutex_);
    pending_.emplace(id, Pending{std::move(request), respond, arrival});
    ++in_flight_;
  }
  if (!queue_.push({id, arrival})) {
    {
      const std::lock_guard lock(pending_mutex_);
      pending_.erase(id);
      --in_flight_;
    }
    if (draining_) return refuse("draining", "the server is shutting down; retry on another instance");
    refuse("queue_full", fmt::format("the request queue is full ({} waiting); retry later", queue_.capacity()));
  }
}

std::size_t InferenceService::fail_pending(const std::string& reason) {
  std::unordered_map<std::int64_t, Pending> orphans;
  {
    const std::lock_guard lock(pending_mutex_);
    orphans.swap(pending_);
  }
  for (auto& [id, p] : orphans) answer(p.respond, error_response(500, reason));
  in_flight_ -= orphans.size();
  return orphans.size();
}

const engine::ImageBatch& InferenceService::gather() {
  const int n = static_cast<int>(batch_.size());
  auto it = inputs_.find(n);
  if (it == inputs_.end()) it = inputs_.emplace(n, engine::ImageBatch::zeros(n, backend_.input_shape())).first;
  if (signature_.takes_images) {
    for (int i = 0; i < n; ++i) {
      const auto& t = batch_[static_cast<std::size_t>(i)].request.input.tensor;
      std::memcpy(it->second.image(i), t.data(), t.size() * sizeof(float));
    }
  }
  return it->second;
}

void InferenceService::run_batch(std::span<const batching::QueuedRequest> requests) {
  batch_.clear();
  {
    const std::lock_guard lock(pending_mutex_);
    for (const auto& q : requests) {
      const auto it = pending_.find(q.id);
      batch_.push_back(std::move(it->second));
      pending_.erase(it);
    }
  }
  scores_ = {};
  begin_.reset();
  end_.reset();
  const auto& input = gather();
  if (options_.sampler) begin_ = options_.sampler->mark();
  try {
    scores_ = backend_.run(input);
  } catch (...) {
    if (options_.sampler) end_ = options_.sampler->mark();
    throw;
  }
  if (options_.sampler) end_ = options_.sampler->mark();
}

namespace {

std::vector<DomainJoules> domain_joules(const energy::EnergyWindow& window) {
  std::vector<DomainJoules> out;
  for (const auto& d : window.domains) {
    if (d.joules) out.push_back({d.name, d.source, *d.joules});
  }
  return out;
}

}  // namespace

ResponseParameters InferenceService::account_batch(int size, bool failed) {
  ResponseParameters params;
  std::vector<DomainJoules> busy;
  if (begin_ && end_) {
    if (last_end_) metrics_.add_idle_energy(domain_joules(options_.sampler->window(*last_end_, *begin_)));
    last_end_ = end_;
    const auto window = options_.sampler->window(*begin_, *end_);
    busy = domain_joules(window);
    params.energy_source = window.source;
    if (window.total_j) params.energy_j = *window.total_j / size;
    if (const auto dynamic = energy::split_energy(window, options_.idle).dynamic_j)
      params.dynamic_energy_j = *dynamic / size;
  }
  metrics_.observe_batch(size, failed, busy);
  params.batch_size = size;
  return params;
}

void InferenceService::batch_done(std::span<const batching::QueuedRequest> requests, const BatchRecord& batch,
                                  std::exception_ptr error) {
  const int n = static_cast<int>(batch_.size());
  auto params = account_batch(n, error != nullptr);
  params.service_ms = (batch.end_s - batch.start_s) * 1e3;
  params.batch_id = batch.id;
  std::string failure;
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      failure = e.what();
    } catch (...) {
      failure = "unknown error";
    }
  }
  std::vector<RequestRecord> records;
  for (int i = 0; i < n; ++i) {
    auto& p = batch_[static_cast<std::size_t>(i)];
    const auto id = requests[static_cast<std::size_t>(i)].id;
    if (error) {
      answer(p.respond, error_response(500, fmt::format("the backend failed on this request's batch: {}", failure)));
      records.push_back(
          {id, p.arrival_s, p.arrival_s, false, std::nullopt, batch.dispatch_s, batch.start_s, std::nullopt});
      continue;
    }
    params.queue_ms = (batch.start_s - p.arrival_s) * 1e3;
    const auto classes = static_cast<std::size_t>(signature_.classes);
    const auto row =
        classes == 0 ? std::span<const float>()
                     : std::span<const float>(scores_.values).subspan(static_cast<std::size_t>(i) * classes, classes);
    auto encoded = encode_infer_response(p.request, row, params, signature_);
    HttpResponse response{
        200, encoded.json_length ? "application/octet-stream" : "application/json", std::move(encoded.body), {}};
    if (encoded.json_length)
      response.headers.emplace_back("Inference-Header-Content-Length", std::to_string(*encoded.json_length));
    // Counted before the answer leaves, so a client that reads /metrics after its answer sees it.
    metrics_.observe_request(batch.end_s - p.arrival_s, batch.start_s - p.arrival_s, batch.end_s - batch.start_s);
    answer(p.respond, std::move(response));
    records.push_back({id, p.arrival_s, p.arrival_s, false, batch.id, batch.dispatch_s, batch.start_s, batch.end_s});
  }
  in_flight_ -= batch_.size();
  batch_.clear();
  if (!options_.recorder) return;
  if (error) {
    options_.recorder->add_failure(failure, records);
  } else {
    options_.recorder->add_batch(batch, records);
  }
}

}  // namespace greenbatch::serve
