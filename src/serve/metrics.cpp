// Prometheus counters, histograms and gauges of the server, and their text exposition.
#include "greenbatch/serve/metrics.h"

#include <fmt/format.h>

namespace greenbatch::serve {
namespace {

const std::vector<double> kSecondsBounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                         0.1,    0.25,  0.5,    1,     2.5,  5,     10};
const std::vector<double> kBatchBounds{1, 2, 4, 8, 16, 32, 64, 128, 256};

void header(std::string& out, const std::string& name, const char* type, const char* help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

// Label values escape backslash, double quote and newline.
std::string escape(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::observe(double value) {
  std::size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  ++counts_[i];
  sum_ += value;
  ++count_;
}

void Histogram::write(std::string& out, const std::string& name) const {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts_[i];
    out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, bounds_[i], cumulative);
  }
  out += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n{}_sum {}\n{}_count {}\n", name, count_, name, sum_, name, count_);
}

ServeMetrics::ServeMetrics()
    : response_s_(kSecondsBounds), queue_s_(kSecondsBounds), service_s_(kSecondsBounds), batch_size_(kBatchBounds) {}

void ServeMetrics::count_response(int status) {
  const std::lock_guard lock(mutex_);
  ++responses_[status];
}

void ServeMetrics::count_rejection(const std::string& reason) {
  const std::lock_guard lock(mutex_);
  ++rejections_[reason];
}

void ServeMetrics::observe_request(double response_s, double queue_s, double service_s) {
  const std::lock_guard lock(mutex_);
  response_s_.observe(response_s);
  queue_s_.observe(queue_s);
  service_s_.observe(service_s);
}

void ServeMetrics::observe_batch(int size, bool failed, const std::vector<DomainJoules>& energy) {
  const std::lock_guard lock(mutex_);
  ++batches_;
  if (failed) ++failed_batches_;
  batch_size_.observe(size);
  for (const auto& e : energy) joules_[{e.source, e.domain, "busy"}] += e.joules;
}

void ServeMetrics::add_idle_energy(const std::vector<DomainJoules>& energy) {
  const std::lock_guard lock(mutex_);
  for (const auto& e : energy) joules_[{e.source, e.domain, "idle"}] += e.joules;
}

std::string ServeMetrics::exposition(const MetricGauges& gauges) const {
  const std::lock_guard lock(mutex_);
  std::string out;
  header(out, "greenbatch_http_responses_total", "counter", "HTTP responses by status code.");
  for (const auto& [code, n] : responses_)
    out += fmt::format("greenbatch_http_responses_total{{code=\"{}\"}} {}\n", code, n);
  header(out, "greenbatch_rejected_requests_total", "counter", "Infer requests refused before queueing, by reason.");
  for (const auto& [reason, n] : rejections_) {
    out += fmt::format("greenbatch_rejected_requests_total{{reason=\"{}\"}} {}\n", escape(reason), n);
  }
  header(out, "greenbatch_batches_total", "counter", "Batches run on the backend.");
  out += fmt::format("greenbatch_batches_total {}\n", batches_);
  header(out, "greenbatch_failed_batches_total", "counter", "Batches whose backend run failed (answered 500).");
  out += fmt::format("greenbatch_failed_batches_total {}\n", failed_batches_);
  header(out, "greenbatch_energy_joules_total", "counter",
         "Energy in joules by meter source and domain; state busy is inside batch windows, idle between them.");
  for (const auto& [key, j] : joules_) {
    out += fmt::format("greenbatch_energy_joules_total{{source=\"{}\",domain=\"{}\",state=\"{}\"}} {}\n",
                       escape(key[0]), escape(key[1]), key[2], j);
  }
  header(out, "greenbatch_response_seconds", "histogram", "Served infer requests: arrival to batch end.");
  response_s_.write(out, "greenbatch_response_seconds");
  header(out, "greenbatch_queue_seconds", "histogram", "Served infer requests: arrival to batch start.");
  queue_s_.write(out, "greenbatch_queue_seconds");
  header(out, "greenbatch_service_seconds", "histogram", "Served infer requests: their batch's service time.");
  service_s_.write(out, "greenbatch_service_seconds");
  header(out, "greenbatch_batch_size", "histogram", "Requests per batch.");
  batch_size_.write(out, "greenbatch_batch_size");
  header(out, "greenbatch_queue_depth", "gauge", "Requests waiting in the queue.");
  out += fmt::format("greenbatch_queue_depth {}\n", gauges.queue_depth);
  header(out, "greenbatch_requests_in_flight", "gauge", "Infer requests accepted and not yet answered.");
  out += fmt::format("greenbatch_requests_in_flight {}\n", gauges.in_flight);
  header(out, "greenbatch_queue_capacity", "gauge", "The queue's bound; requests beyond it are answered 503.");
  out += fmt::format("greenbatch_queue_capacity {}\n", gauges.queue_capacity);
  if (gauges.power_w) {
    header(out, "greenbatch_power_watts", "gauge", "Latest sampled total power.");
    out += fmt::format("greenbatch_power_watts{{source=\"{}\"}} {}\n", escape(gauges.power_source), *gauges.power_w);
  }
  return out;
}

}  // namespace greenbatch::serve
