// The discrete-event simulator: one server, a bounded FIFO queue, a policy, a virtual clock.
#include "greenbatch/sim/simulator.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "greenbatch/core/error.h"
#include "greenbatch/core/memory.h"

namespace greenbatch::sim {
namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();
// Service draws use their own stream, so they do not shift when the arrival process (seeded with
// the same seed) changes.
constexpr std::uint64_t kServiceStream = 0x9e3779b97f4a7c15ULL;

// The energy window of the simulated trial: the batches' energies plus idle power over the time
// between them, labelled as simulated; `detail` collects what it leaves out.
energy::EnergyWindow energy_window(const ServiceModel& service, double duration_s, double busy_s,
                                   std::optional<double> batch_energy_j, std::string& detail) {
  energy::EnergyWindow window;
  window.seconds = duration_s;
  if (service.energy_source() == "none") {
    window.status = energy::WindowStatus::no_meter;
    window.source = "none";
    return window;
  }
  window.source = "simulated from " + service.energy_source();
  if (!batch_energy_j) {
    window.status = energy::WindowStatus::no_meter;
    detail += "; energy: the profile lacks the energy of a batch size that ran";
    return window;
  }
  double total = *batch_energy_j;
  if (service.idle_power_w()) {
    total += *service.idle_power_w() * std::max(0.0, duration_s - busy_s);
  } else {
    detail +=
        "; energy: batch energies only (the profile has no idle power, so idle time between batches is "
        "not counted)";
  }
  window.total_j = total;
  if (duration_s > 0.0) window.avg_power_w = total / duration_s;
  return window;
}

}  // namespace

double max_throughput_rps(const batching::Policy& policy, const ServiceModel& service, std::size_t queue_capacity) {
  const std::size_t largest = std::min({policy.max_batch(), queue_capacity, service.max_batch()});
  double best = 0.0;
  for (std::size_t b = 1; b <= largest; ++b) {
    const double mean = service.mean_s(b);
    if (mean <= 0.0) return kNever;
    best = std::max(best, static_cast<double>(b) / mean);
  }
  return best;
}

void check_stable(double rate_rps, const batching::Policy& policy, const ServiceModel& service,
                  std::size_t queue_capacity) {
  const double max = max_throughput_rps(policy, service, queue_capacity);
  if (rate_rps < max) return;
  throw InputError(fmt::format(
      "the queue is unstable at {:g} requests/s: with policy {} and this profile the server completes at most "
      "{:.6g} requests/s (max over the batch sizes it may dispatch of batch size / mean service time), so the "
      "queue would grow without bound; lower the arrival rate or allow larger batches",
      rate_rps, policy.spec(), max));
}

SimResult simulate(const batching::Policy& policy, const ServiceModel& service, const std::vector<double>& schedule,
                   const SimOptions& options) {
  if (options.queue_capacity == 0) throw std::invalid_argument("simulate: queue capacity must be > 0");
  if (service.max_batch() < std::min(policy.max_batch(), options.queue_capacity)) {
    throw std::invalid_argument("simulate: the service model does not cover the policy's batch sizes");
  }
  SimResult result;
  auto& requests = result.record.requests;
  auto& batches = result.record.batches;
  const std::size_t n = schedule.size();
  // Every request and batch is kept, as a live trial keeps them, and the summary sorts three
  // latency columns: refuse up front what would not fit.
  require_memory(
      n * (sizeof(RequestRecord) + sizeof(BatchRecord) + sizeof(batching::DispatchReason) + 3 * sizeof(double)),
      fmt::format("simulating {} requests (each request's record is kept)", n),
      "simulate fewer requests (--requests) or a shorter --duration");
  requests.resize(n);
  batches.reserve(n);  // at most one batch per request: no reallocation inside the loop

  std::mt19937_64 rng(options.seed ^ kServiceStream);
  // The waiting requests (ids are indices into `schedule`); it never holds more than the
  // capacity, nor more than there are requests.
  batching::RequestQueue queue(std::max<std::size_t>(1, std::min(options.queue_capacity, n)));
  if (n == 0) queue.close();
  batching::ServiceEstimate estimate = options.estimate;
  std::vector<batching::QueuedRequest> taken;
  std::size_t next = 0;
  // last_end: when the server last became idle (the trial clock's start before the first batch).
  double now = 0.0, busy_until = 0.0, wake = kNever, busy_s = 0.0, last_end = 0.0;
  std::size_t beyond_gaps = 0;  // batches after more idle time than the profile measured
  bool busy = false;
  std::optional<double> batch_energy_j = 0.0;

  while (true) {
    if (!busy) {
      const auto decision = policy.decide(now, queue.view(), estimate);
      wake = decision.wake_at_s.value_or(kNever);
      taken.clear();
      if (queue.pop(decision.dispatch, taken) > 0) {
        const std::size_t take = taken.size();
        const double idle_s = now - last_end;
        if (service.gap_beyond_measured(take, idle_s)) ++beyond_gaps;
        const double end = now + service.draw_s(take, rng, idle_s);
        estimate.record(take, end - now);
        const auto batch_id = static_cast<std::int64_t>(batches.size());
        batches.push_back({batch_id, static_cast<int>(take), now, now, end});
        result.dispatch_reasons.push_back(decision.reason);
        for (const auto& q : taken) {
          auto& r = requests[static_cast<std::size_t>(q.id)];
          r.batch_id = batch_id;
          r.dispatch_s = now;
          r.start_s = now;
          r.completion_s = end;
        }
        busy = true;
        busy_until = end;
        last_end = end;
        wake = kNever;
        busy_s += end - now;
        const auto energy = service.energy_j(take, idle_s);
        batch_energy_j = batch_energy_j && energy ? std::optional(*batch_energy_j + *energy) : std::nullopt;
      }
    }
    // The next event: an arrival, the end of service, or the policy's wake-up time.
    double t = next < n ? schedule[next] : kNever;
    t = std::min(t, busy ? busy_until : (wake > now ? wake : kNever));
    if (t == kNever) break;
    now = t;
    if (busy && busy_until <= now) busy = false;
    for (; next < n && schedule[next] <= now; ++next) {
      auto& r = requests[next];
      r.id = static_cast<std::int64_t>(next);
      r.scheduled_s = r.arrival_s = schedule[next];
      r.rejected = !queue.push({r.id, r.arrival_s});
    }
    if (next == n) queue.close();
  }

  const double first = n > 0 ? schedule.front() : 0.0;
  const double duration = batches.empty() ? 0.0 : std::max(0.0, batches.back().end_s - first);
  result.interpolated = !service.interpolated_sizes().empty();
  std::string detail = "simulated on a virtual clock from a profile";
  if (result.interpolated) detail += "; service times of some batch sizes interpolated between measured sizes";
  for (const auto& note : service.notes()) detail += "; " + note;
  if (beyond_gaps > 0) {
    detail += fmt::format(
        "; {} of {} batches followed more idle time than the largest measured idle gap and were "
        "drawn from that gap's cell (not extrapolated)",
        beyond_gaps, batches.size());
  }
  const auto window = energy_window(service, duration, busy_s, batch_energy_j, detail);
  result.idle_energy = window.total_j && service.idle_power_w();
  const energy::IdleBaseline idle{
      0.0, window.total_j ? service.idle_power_w() : std::nullopt, service.energy_source(), {}};
  result.record.status_detail = detail;
  result.record.summary = metrics::summarize(requests, batches, window, idle, options.slo_ms);
  return result;
}

SimResult simulate(const batching::Policy& policy, const ServiceModel& service, workload::ArrivalProcess& arrival,
                   std::optional<std::int64_t> requests, std::optional<double> duration_s, const SimOptions& options) {
  if (const auto rate = arrival.mean_rate()) check_stable(*rate, policy, service, options.queue_capacity);
  return simulate(policy, service, workload::arrival_schedule(arrival, requests, duration_s), options);
}

}  // namespace greenbatch::sim
