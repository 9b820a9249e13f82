#pragma once
/// The server's Prometheus metrics: counters, histograms and gauges kept while serving and
/// written in the Prometheus text exposition format (version 0.0.4) for GET /metrics.

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace greenbatch::serve {

/// A cumulative histogram with fixed upper bounds.
class Histogram {
 public:
  /// Buckets with these upper bounds (ascending); +Inf is implied.
  explicit Histogram(std::vector<double> bounds);
  /// Counts one value.
  void observe(double value);
  /// Appends the _bucket, _sum and _count lines of `name` to `out`.
  void write(std::string& out, const std::string& name) const;

 private:
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;  // per bound, not cumulative; the last is +Inf
  double sum_ = 0.0;
  std::uint64_t count_ = 0;
};

/// Energy of one domain over one window, as the metrics count it.
struct DomainJoules {
  std::string domain;   ///< e.g. "package-0"
  std::string source;   ///< e.g. "rapl", "estimate"
  double joules = 0.0;  ///< energy over the window
};

/// What is read at scrape time rather than counted.
struct MetricGauges {
  std::size_t queue_depth = 0;     ///< requests waiting
  std::size_t in_flight = 0;       ///< requests accepted and not yet answered (queued or in service)
  std::size_t queue_capacity = 0;  ///< the queue's bound
  std::optional<double> power_w;   ///< latest sampled total power; absent without a meter
  std::string power_source;        ///< its source label
};

/// The server's counters. Thread-safe: every method may be called from any thread.
class ServeMetrics {
 public:
  ServeMetrics();
  /// Counts one answered HTTP request by status code.
  void count_response(int status);
  /// Counts one infer request refused before enqueueing ("queue_full", "draining").
  void count_rejection(const std::string& reason);
  /// Records one served infer request: response, queue and service times in seconds.
  void observe_request(double response_s, double queue_s, double service_s);
  /// Records one batch: its size, whether the backend failed, and its energy per domain.
  void observe_batch(int size, bool failed, const std::vector<DomainJoules>& energy);
  /// Adds energy measured between batches (idle) per domain.
  void add_idle_energy(const std::vector<DomainJoules>& energy);
  /// The exposition text: every metric with HELP and TYPE lines.
  [[nodiscard]] std::string exposition(const MetricGauges& gauges) const;

 private:
  mutable std::mutex mutex_;
  std::map<int, std::uint64_t> responses_;
  std::map<std::string, std::uint64_t> rejections_;
  std::uint64_t batches_ = 0, failed_batches_ = 0;
  // (source, domain, state) -> joules, state "busy" or "idle"
  std::map<std::array<std::string, 3>, double> joules_;
  Histogram response_s_, queue_s_, service_s_, batch_size_;
};

}  // namespace greenbatch::serve
