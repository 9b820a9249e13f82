// The summary metrics of a trial.
#include "greenbatch/metrics/trial_summary.h"

#include <algorithm>

#include "greenbatch/stats/quantile.h"

namespace greenbatch::metrics {
namespace {

std::optional<double> quantile_ms(const std::vector<double>& sorted_s, double q) {
  if (sorted_s.empty()) return std::nullopt;
  return stats::quantile_sorted(sorted_s, q) * 1e3;
}

std::optional<double> mean_ms(const std::vector<double>& values_s) {
  if (values_s.empty()) return std::nullopt;
  return stats::mean(values_s) * 1e3;
}

}  // namespace

TrialSummary summarize(const std::vector<RequestRecord>& requests, const std::vector<BatchRecord>& batches,
                       const energy::EnergyWindow& window, const energy::IdleBaseline& idle,
                       std::optional<double> slo_ms) {
  TrialSummary s;
  s.requests = static_cast<std::int64_t>(requests.size());
  s.batches = static_cast<std::int64_t>(batches.size());
  std::vector<double> response, wait, service;
  response.reserve(requests.size());
  wait.reserve(requests.size());
  service.reserve(requests.size());
  double first_arrival = requests.empty() ? 0.0 : requests.front().arrival_s;
  double last_completion = first_arrival;
  std::int64_t within_slo = 0;
  for (const auto& r : requests) {
    first_arrival = std::min(first_arrival, r.arrival_s);
    const double lateness = r.arrival_s - r.scheduled_s;
    s.lateness_max_ms = std::max(s.lateness_max_ms, lateness * 1e3);
    if (lateness > 1e-3) ++s.late_requests;
    if (r.rejected) {
      ++s.rejected;
      continue;
    }
    if (!r.completion_s) continue;
    ++s.served;
    last_completion = std::max(last_completion, *r.completion_s);
    response.push_back(*r.completion_s - r.arrival_s);
    wait.push_back(*r.start_s - r.arrival_s);
    service.push_back(*r.completion_s - *r.start_s);
    if (slo_ms && response.back() * 1e3 <= *slo_ms) ++within_slo;
  }
  s.duration_s = last_completion - first_arrival;
  if (s.duration_s > 0.0) s.throughput_rps = static_cast<double>(s.served) / s.duration_s;
  if (s.batches > 0) s.mean_batch_size = static_cast<double>(s.served) / static_cast<double>(s.batches);
  s.response_mean_ms = mean_ms(response);
  s.wait_mean_ms = mean_ms(wait);
  s.service_mean_ms = mean_ms(service);
  std::ranges::sort(response);
  std::ranges::sort(wait);
  std::ranges::sort(service);
  s.response_p50_ms = quantile_ms(response, 0.50);
  s.response_p90_ms = quantile_ms(response, 0.90);
  s.response_p95_ms = quantile_ms(response, 0.95);
  s.response_p99_ms = quantile_ms(response, 0.99);
  s.response_max_ms = quantile_ms(response, 1.0);
  s.wait_p95_ms = quantile_ms(wait, 0.95);
  s.service_p95_ms = quantile_ms(service, 0.95);
  if (slo_ms && s.requests > 0) s.slo_attainment = static_cast<double>(within_slo) / static_cast<double>(s.requests);

  const auto energy = energy::energy_columns(window, idle);
  s.energy_source = energy.source;
  s.energy_status = energy.status;
  s.energy_j = energy.split.total_j;
  s.static_energy_j = energy.split.static_j;
  s.dynamic_energy_j = energy.split.dynamic_j;
  if (s.served > 0 && energy.split.total_j)
    s.energy_per_request_j = *energy.split.total_j / static_cast<double>(s.served);
  if (s.served > 0 && energy.split.dynamic_j) {
    s.dynamic_energy_per_request_j = *energy.split.dynamic_j / static_cast<double>(s.served);
  }
  s.idle_power_w = energy.idle_power_w;
  s.avg_power_w = energy.avg_power_w;
  s.peak_power_w = energy.peak_power_w;
  s.energy_by_domain_j = energy.by_domain;
  return s;
}

}  // namespace greenbatch::metrics
