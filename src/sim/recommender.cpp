// The recommender: batching policies searched in the simulator for the least energy per request
// within a response-time SLO.
#include "greenbatch/sim/recommender.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <stdexcept>
#include <tuple>
#include <variant>

#include "greenbatch/batching/policy.h"
#include "greenbatch/core/error.h"
#include "greenbatch/core/text.h"
#include "greenbatch/sim/profile_estimate.h"
#include "greenbatch/sim/simulator.h"
#include "greenbatch/workload/arrival.h"

namespace greenbatch::sim {
namespace {

using Outcome = std::variant<Candidate, SkippedCandidate>;

constexpr double kNeverMet = std::numeric_limits<double>::infinity();

using C = Candidate;

constexpr std::array<Field<C>, 11> kFields{{
    {"policy", "", "normalised policy spec", [](const C& c) -> FieldValue { return c.policy; }},
    {"response_p95_ms", "ms", "predicted 95th percentile response time",
     [](const C& c) -> FieldValue { return optional_value(c.response_p95_ms); }},
    {"response_p99_ms", "ms", "predicted 99th percentile response time",
     [](const C& c) -> FieldValue { return optional_value(c.response_p99_ms); }},
    {"response_mean_ms", "ms", "predicted mean response time",
     [](const C& c) -> FieldValue { return optional_value(c.response_mean_ms); }},
    {"energy_per_request_j", "J", "predicted energy per served request",
     [](const C& c) -> FieldValue { return optional_value(c.energy_per_request_j); }},
    {"dynamic_energy_per_request_j", "J", "its part above idle power",
     [](const C& c) -> FieldValue { return optional_value(c.dynamic_energy_per_request_j); }},
    {"throughput_rps", "requests/s", "predicted served requests per second",
     [](const C& c) -> FieldValue { return c.throughput_rps; }},
    {"mean_batch_size", "requests", "predicted requests per batch",
     [](const C& c) -> FieldValue { return c.mean_batch_size; }},
    {"rejected", "", "requests the full queue refused", [](const C& c) -> FieldValue { return c.rejected; }},
    {"meets_slo", "", "predicted percentile within the SLO and nothing rejected",
     [](const C& c) -> FieldValue { return c.meets_slo; }},
    {"interpolated", "", "some batch sizes were interpolated between measured ones",
     [](const C& c) -> FieldValue { return c.interpolated; }},
}};

// The percentile the SLO bounds (never, when nothing was served).
double slo_percentile_ms(const Candidate& c, SloPercentile percentile) {
  return percentile_ms(c, percentile).value_or(kNeverMet);
}

// The specs to search, in search order. B = 1 gets no timeout and no dynamic variant: a single
// request is a full batch, so they would all behave as fixed:1. slo gets the SLO itself as its
// objective, each profiled max B > 1 and each margin of the grid.
std::vector<batching::PolicySpec> candidate_specs(const std::vector<std::size_t>& sizes,
                                                  const RecommendOptions& options) {
  using batching::PolicyFamily;
  using batching::PolicySpec;
  std::vector<PolicySpec> specs;
  const auto searched = [&](PolicyFamily f) {
    return std::ranges::find(options.families, f) != options.families.end();
  };
  if (searched(PolicyFamily::fixed)) {
    for (const auto b : sizes) {
      specs.push_back({.family = PolicyFamily::fixed, .batch = b});
      if (b == 1) continue;
      for (const double d : options.delays_ms)
        specs.push_back({.family = PolicyFamily::fixed, .batch = b, .delay_ms = d});
    }
  }
  if (searched(PolicyFamily::greedy)) {
    for (const auto b : sizes) specs.push_back({.family = PolicyFamily::greedy, .batch = b});
  }
  if (searched(PolicyFamily::dynamic)) {
    for (const auto b : sizes) {
      if (b == 1) continue;
      for (const double d : options.delays_ms)
        specs.push_back({.family = PolicyFamily::dynamic, .batch = b, .delay_ms = d});
    }
  }
  if (searched(PolicyFamily::slo)) {
    for (const auto b : sizes) {
      if (b == 1) continue;
      for (const double share : options.slo_margins) {
        specs.push_back(
            {.family = PolicyFamily::slo, .batch = b, .slo_ms = options.slo_ms, .margin_ms = share * options.slo_ms});
      }
    }
  }
  return specs;
}

// Simulates candidates of one profiled model on one schedule with one seed; each spec and each
// service model once.
class Search {
 public:
  Search(const profile::ProfileDocument& document, const RecommendOptions& options)
      : document_(document), options_(options), cells_(profile::model_cells(document, options.model)) {
    if (options.requests <= 0) throw std::invalid_argument("recommend: needs requests > 0");
    auto arrival = workload::make_arrival(options.arrival, options.seed);
    if (document.energy_source == "none") {
      throw InputError(
          fmt::format("profile '{}' has no energy (energy_source none), and the recommender minimises "
                      "energy per request; profile again with a meter (--meter auto, or --meter "
                      "estimate for a labelled estimate)",
                      document.path));
    }
    for (const auto& c : cells_) sizes_.push_back(static_cast<std::size_t>(c.batch_size));
    estimate_ = estimate_from_profile(cells_);
    arrival_ = arrival->spec();
    rate_rps_ = arrival->mean_rate();
    capacity_ = options.queue_capacity.value_or(std::max<std::size_t>(1024, sizes_.back()));
    schedule_ = workload::arrival_schedule(*arrival, options.requests, std::nullopt);
    if (schedule_.empty()) throw InputError(fmt::format("arrival {} schedules no request", arrival_));
  }

  // The candidate `spec` or why it was skipped.
  const Outcome& evaluate(const batching::PolicySpec& spec) {
    const auto key = spec.to_string();
    const auto known = outcomes_.find(key);
    if (known != outcomes_.end()) return known->second;
    return outcomes_.emplace(key, simulate_candidate(*batching::make_policy(spec))).first->second;
  }

  [[nodiscard]] const std::vector<profile::ProfileCell>& cells() const { return cells_; }
  [[nodiscard]] const std::vector<std::size_t>& sizes() const { return sizes_; }
  [[nodiscard]] const std::string& arrival() const { return arrival_; }
  [[nodiscard]] std::optional<double> rate_rps() const { return rate_rps_; }
  [[nodiscard]] std::size_t capacity() const { return capacity_; }

 private:
  Outcome simulate_candidate(const batching::Policy& policy) {
    const auto b = policy.max_batch();
    if (b > capacity_) {
      return SkippedCandidate{
          policy.spec(), SkipReason::queue_capacity,
          fmt::format("{} needs batches of {}, above the queue capacity {}", policy.spec(), b, capacity_),
          std::nullopt};
    }
    auto [it, added] = services_.try_emplace(b, std::string());
    if (added) {
      try {
        it->second = ServiceModel::from_profile(document_, options_.model, b, options_.service);
      } catch (const InputError& e) {
        it->second = std::string(e.what());
      }
    }
    if (const auto* missing = std::get_if<std::string>(&it->second)) {
      return SkippedCandidate{policy.spec(), SkipReason::missing_batch_sizes, *missing, std::nullopt};
    }
    const auto& service = std::get<ServiceModel>(it->second);
    if (rate_rps_) {
      try {
        check_stable(*rate_rps_, policy, service, capacity_);
      } catch (const InputError& e) {
        return SkippedCandidate{policy.spec(), SkipReason::unstable, e.what(),
                                max_throughput_rps(policy, service, capacity_)};
      }
    }
    const auto result = simulate(policy, service, schedule_, {capacity_, options_.slo_ms, options_.seed, estimate_});
    const auto& s = result.record.summary;
    if (!s.energy_per_request_j) {
      return SkippedCandidate{
          policy.spec(), SkipReason::missing_energy,
          fmt::format("profile '{}' lacks the energy of a batch size {} dispatched", document_.path, policy.spec()),
          std::nullopt};
    }
    Candidate c{.policy = policy.spec(),
                .response_p95_ms = s.response_p95_ms,
                .response_p99_ms = s.response_p99_ms,
                .response_mean_ms = s.response_mean_ms,
                .energy_per_request_j = s.energy_per_request_j,
                .dynamic_energy_per_request_j = s.dynamic_energy_per_request_j,
                .throughput_rps = s.throughput_rps,
                .mean_batch_size = s.mean_batch_size,
                .rejected = s.rejected,
                .interpolated = result.interpolated};
    c.meets_slo = c.rejected == 0 && slo_percentile_ms(c, options_.percentile) <= options_.slo_ms;
    return c;
  }

  const profile::ProfileDocument& document_;
  const RecommendOptions& options_;
  std::vector<profile::ProfileCell> cells_;  // ascending batch size
  std::vector<std::size_t> sizes_;           // their batch sizes
  std::string arrival_;                      // normalised spec
  std::optional<double> rate_rps_;
  std::size_t capacity_ = 0;
  std::vector<double> schedule_;
  batching::ServiceEstimate estimate_;       // the profile's latencies: what slo knows before it starts
  std::map<std::string, Outcome> outcomes_;  // by normalised spec
  std::map<std::size_t, std::variant<std::string, ServiceModel>> services_;  // by max batch; text: why none
};

// Meeting the SLO first, by energy then percentile; the rest by rejections then percentile.
void rank(std::vector<Candidate>& candidates, SloPercentile percentile) {
  const auto key = [percentile](const Candidate& c) {
    const double first = c.meets_slo ? *c.energy_per_request_j : (c.rejected > 0 ? 1.0 : 0.0);
    return std::tuple(!c.meets_slo, first, slo_percentile_ms(c, percentile));
  };
  std::ranges::stable_sort(candidates, [&](const Candidate& a, const Candidate& b) { return key(a) < key(b); });
}

// The error when nothing could be simulated: an unstable rate gives the most any candidate sustains.
[[noreturn]] void throw_nothing_simulated(const Recommendation& r, const std::string& path) {
  if (r.skipped.empty()) {
    throw InputError(
        fmt::format("no candidate policy to search in profile '{}': dynamic batching needs a profiled "
                    "batch size above 1 and a delay; profile more batch sizes or search other families",
                    path));
  }
  const SkippedCandidate* best = nullptr;
  std::size_t lacking = 0;
  for (const auto& s : r.skipped) {
    if (s.reason == SkipReason::missing_batch_sizes) ++lacking;
    if (s.max_throughput_rps && (!best || *s.max_throughput_rps > *best->max_throughput_rps)) best = &s;
  }
  if (!best) throw InputError(fmt::format("no candidate policy can be simulated: {}", r.skipped.front().detail));
  throw InputError(fmt::format(
      "the queue is unstable at {:g} requests/s under every candidate policy that profile '{}' covers: the best, "
      "{}, completes at most {:.6g} requests/s, so the queue would grow without bound; lower the arrival rate or "
      "profile larger batch sizes{}",
      *r.rate_rps, path, best->policy, *best->max_throughput_rps,
      lacking > 0 ? fmt::format(" ({} candidates need batch sizes the profile lacks: allow interpolation between "
                                "measured sizes)",
                                lacking)
                  : ""));
}

batching::PolicySpec no_batching_spec() { return {.family = batching::PolicyFamily::fixed, .batch = 1}; }

batching::PolicySpec greedy_spec(std::size_t max) { return {.family = batching::PolicyFamily::greedy, .batch = max}; }

// Fills a reference point from the search (simulating it when the families left it out).
void fill_reference(Reference& ref, const batching::PolicySpec& spec, Search& search, const Candidate* winner) {
  const auto& outcome = search.evaluate(spec);
  const auto* candidate = std::get_if<Candidate>(&outcome);
  if (candidate == nullptr) {
    ref.unavailable = std::get_if<SkippedCandidate>(&outcome)->detail;
    return;
  }
  ref.prediction = *candidate;
  const auto& mine = ref.prediction->energy_per_request_j;
  if (winner && *mine > 0.0) ref.saving_percent = 100.0 * (*mine - *winner->energy_per_request_j) / *mine;
}

}  // namespace

std::vector<batching::PolicyFamily> parse_policy_families(std::string_view list) {
  std::vector<batching::PolicyFamily> families;
  for (const auto name : split(list, ',')) {
    batching::PolicyFamily family{};
    try {
      family = batching::parse_policy_family(name);
    } catch (const UsageError& e) {
      throw UsageError(fmt::format("--policies: {} (comma separated, e.g. --policies fixed,dynamic,slo)", e.what()));
    }
    if (std::ranges::find(families, family) == families.end()) families.push_back(family);
  }
  return families;
}

std::string_view to_string(SloPercentile percentile) { return percentile == SloPercentile::p95 ? "p95" : "p99"; }

std::string_view to_string(SkipReason reason) {
  switch (reason) {
    case SkipReason::missing_batch_sizes:
      return "missing_batch_sizes";
    case SkipReason::queue_capacity:
      return "queue_capacity";
    case SkipReason::unstable:
      return "unstable";
    case SkipReason::missing_energy:
      return "missing_energy";
  }
  return "unknown";
}

std::string_view to_string(RecommendStatus status) {
  switch (status) {
    case RecommendStatus::ok:
      return "ok";
    case RecommendStatus::infeasible:
      return "infeasible";
    case RecommendStatus::no_candidate:
      return "no_candidate";
  }
  return "unknown";
}

FieldTable<Candidate> fields(const Candidate*) { return kFields; }

std::optional<double> percentile_ms(const Candidate& candidate, SloPercentile percentile) {
  return percentile == SloPercentile::p95 ? candidate.response_p95_ms : candidate.response_p99_ms;
}

Recommendation recommend(const profile::ProfileDocument& document, const RecommendOptions& options) {
  if (!(options.slo_ms > 0.0) || options.families.empty()) {
    throw std::invalid_argument("recommend: needs an SLO > 0 and at least one policy family");
  }
  Search search(document, options);
  Recommendation r;
  r.model = search.cells().front().model;
  r.arrival = search.arrival();
  r.rate_rps = search.rate_rps();
  r.queue_capacity = search.capacity();
  r.energy_source = "simulated from " + document.energy_source;
  const auto fastest = std::ranges::min_element(search.cells(), {}, &profile::ProfileCell::latency_mean_ms);
  r.fastest_service_ms = fastest->latency_mean_ms;
  r.fastest_batch_size = static_cast<std::size_t>(fastest->batch_size);
  r.no_batching.policy = no_batching_spec().to_string();
  r.greedy.policy = greedy_spec(search.sizes().back()).to_string();
  if (options.slo_ms < r.fastest_service_ms) {
    r.status = RecommendStatus::infeasible;
    return r;
  }
  for (const auto& spec : candidate_specs(search.sizes(), options)) {
    const auto& outcome = search.evaluate(spec);
    if (const auto* c = std::get_if<Candidate>(&outcome)) {
      r.ranked.push_back(*c);
    } else {
      r.skipped.push_back(std::get<SkippedCandidate>(outcome));
    }
  }
  if (r.ranked.empty()) throw_nothing_simulated(r, document.path);
  rank(r.ranked, options.percentile);
  r.status = r.ranked.front().meets_slo ? RecommendStatus::ok : RecommendStatus::no_candidate;
  fill_reference(r.no_batching, no_batching_spec(), search, r.winner());
  fill_reference(r.greedy, greedy_spec(search.sizes().back()), search, r.winner());
  return r;
}

Candidate predict(const profile::ProfileDocument& document, const RecommendOptions& options,
                  const std::string& policy) {
  Search search(document, options);
  const auto& outcome = search.evaluate(
      resolve_with_profile(batching::PolicySpec::parse(policy), search.cells(), document.path));
  if (const auto* skipped = std::get_if<SkippedCandidate>(&outcome)) throw InputError(skipped->detail);
  return std::get<Candidate>(outcome);
}

}  // namespace greenbatch::sim
