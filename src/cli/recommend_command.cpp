// `greenbatch recommend`: the batching policy with the least simulated energy per request within a
// response-time SLO, against no batching and greedy batching; --verify runs the winner live.
#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "greenbatch/core/error.h"
#include "greenbatch/engine/synthetic_backend.h"
#include "greenbatch/profile/profile_document.h"
#include "greenbatch/sim/recommender.h"
#include "greenbatch/workload/arrival.h"
#include "live_trial_runner.h"
#include "number_flags.h"
#include "output.h"
#include "recommend_emit.h"
#include "recommend_knobs.h"
#include "recommend_verify.h"

namespace greenbatch::cli {
namespace {

using Json = nlohmann::ordered_json;

struct RecommendFlags {
  std::string profile;
  std::vector<std::string> knob_profiles;  // --also-profile: batching x knobs
  LiveTrialFlags live;                     // --model / --backend / --model-file also choose the profile's model
  std::string arrival;
  std::optional<double> slo_p95_ms, slo_p99_ms;
  std::string policies = "fixed,greedy,dynamic,slo";
  std::int64_t requests = 20'000;
  std::optional<std::int64_t> queue_capacity;
  bool deterministic = false;
  bool interpolate = false;
  bool json = false;
  std::size_t top = 10;
  bool verify = false;
  std::optional<std::int64_t> verify_requests;
  std::string emit;
};

// The profile's model the backend flags name (empty: the profile's only model).
std::string profile_model(const BackendFlags& backend) {
  if (!backend.models.empty()) return backend.models.front();
  if (!backend.model_file.empty()) return backend.model_file;
  if (!backend.synthetic.empty()) return engine::to_string(engine::parse_synthetic_spec(backend.synthetic));
  return {};
}

// The search the flags ask for; every flag is checked here, before the profile is read.
sim::RecommendOptions resolve_options(const RecommendFlags& flags) {
  if (flags.slo_p95_ms.has_value() == flags.slo_p99_ms.has_value()) {
    throw UsageError("give exactly one of --slo-p95 MS or --slo-p99 MS (the response-time percentile to bound)");
  }
  if (flags.verify) (void)live_settings(flags.live);                     // exactly one model to run
  (void)workload::make_arrival(flags.arrival, flags.live.backend.seed);  // a valid spec
  sim::RecommendOptions options;
  options.model = profile_model(flags.live.backend);
  options.arrival = flags.arrival;
  options.seed = flags.live.backend.seed;
  options.requests = flags.requests;
  options.percentile = flags.slo_p95_ms ? sim::SloPercentile::p95 : sim::SloPercentile::p99;
  options.slo_ms = flags.slo_p95_ms.value_or(flags.slo_p99_ms.value_or(0.0));
  options.families = sim::parse_policy_families(flags.policies);
  if (flags.queue_capacity) options.queue_capacity = static_cast<std::size_t>(*flags.queue_capacity);
  options.service = {flags.deterministic, flags.interpolate};
  return options;
}

std::vector<sim::Candidate> meeting_slo(const sim::Recommendation& r, std::size_t top) {
  std::vector<sim::Candidate> out;
  for (const auto& c : r.ranked) {
    if (c.meets_slo && out.size() < top) out.push_back(c);
  }
  return out;
}

// How many candidates were skipped for each reason.
std::map<std::string, int> skipped_by_reason(const sim::Recommendation& r) {
  std::map<std::string, int> counts;
  for (const auto& s : r.skipped) ++counts[std::string(sim::to_string(s.reason))];
  return counts;
}

Json candidate_json(const sim::Candidate* c) {
  return c ? store::to_json(store::to_table(std::vector<sim::Candidate>{*c})).front() : Json();
}

Json reference_json(const sim::Reference& ref) {
  return {{"policy", ref.policy},
          {"prediction", candidate_json(ref.prediction ? &*ref.prediction : nullptr)},
          {"unavailable", ref.prediction ? Json() : Json(ref.unavailable)},
          {"saving_percent", ref.saving_percent ? Json(*ref.saving_percent) : Json()}};
}

Json recommendation_json(const sim::Recommendation& r, const sim::RecommendOptions& options,
                         const RecommendFlags& flags) {
  Json skipped = Json::array();
  for (const auto& s : r.skipped) {
    skipped.push_back({{"policy", s.policy}, {"reason", sim::to_string(s.reason)}, {"detail", s.detail}});
  }
  const auto meeting = meeting_slo(r, r.ranked.size());
  return {{"status", sim::to_string(r.status)},
          {"profile", flags.profile},
          {"model", r.model},
          {"arrival", r.arrival},
          {"rate_rps", r.rate_rps ? Json(*r.rate_rps) : Json()},
          {"percentile", sim::to_string(options.percentile)},
          {"slo_ms", options.slo_ms},
          {"requests", options.requests},
          {"seed", options.seed},
          {"queue_capacity", r.queue_capacity},
          {"energy_source", r.energy_source},
          {"simulated", r.ranked.size()},
          {"meeting_slo", meeting.size()},
          {"skipped_by_reason", skipped_by_reason(r)},
          {"winner", candidate_json(r.winner())},
          {"closest", candidate_json(r.status == sim::RecommendStatus::no_candidate ? &r.ranked.front() : nullptr)},
          {"no_batching", reference_json(r.no_batching)},
          {"greedy", reference_json(r.greedy)},
          {"candidates", store::to_json(store::to_table(meeting_slo(r, flags.top)))},
          {"skipped", skipped}};
}

std::string reference_line(const sim::Reference& ref, const sim::Recommendation& r, sim::SloPercentile p) {
  if (!ref.prediction) return fmt::format("{}: not predicted: {}", ref.policy, ref.unavailable);
  const auto& c = *ref.prediction;
  const auto saving = ref.saving_percent && r.winner() ? fmt::format("; the winner saves {:.1f}%", *ref.saving_percent)
                                                       : "";
  return fmt::format("{}: {:.4g} J/request, {} {:.2f} ms{}{}", ref.policy, *c.energy_per_request_j, sim::to_string(p),
                     sim::percentile_ms(c, p).value_or(0.0), c.meets_slo ? "" : " (misses the SLO)", saving);
}

void print_recommendation(const sim::Recommendation& r, const sim::RecommendOptions& options,
                          const RecommendFlags& flags) {
  fmt::print("{} under {}, {} <= {:g} ms: {} candidates simulated ({} requests each, seed {})", r.model, r.arrival,
             sim::to_string(options.percentile), options.slo_ms, r.ranked.size(), options.requests, options.seed);
  std::string skipped;
  for (const auto& [reason, n] : skipped_by_reason(r)) {
    skipped += fmt::format("{}{} {}", skipped.empty() ? "; skipped: " : ", ", n, reason);
  }
  fmt::print("{}\n", skipped);
  const auto& best = r.ranked.front();
  fmt::print("{}: {}: predicted {} {:.2f} ms, mean {:.2f} ms, {:.4g} J/request ({})\n",
             r.winner() ? "winner" : "no candidate meets the SLO; closest", best.policy,
             sim::to_string(options.percentile), sim::percentile_ms(best, options.percentile).value_or(0.0),
             best.response_mean_ms.value_or(0.0), *best.energy_per_request_j, r.energy_source);
  fmt::print("no batching, {}\n", reference_line(r.no_batching, r, options.percentile));
  fmt::print("greedy, {}\n", reference_line(r.greedy, r, options.percentile));
  const auto top = meeting_slo(r, flags.top);
  if (top.empty()) return;
  fmt::print("top {} of the candidates meeting the SLO:\n", top.size());
  print(std::cout, store::to_table(top), Format::table, {}, 5);
}

void run_recommend_command(const RecommendFlags& flags) {
  const auto options = resolve_options(flags);
  if (!flags.knob_profiles.empty()) {
    if (flags.verify) throw UsageError("--verify runs one profile's winner; leave out --also-profile with it");
    auto profiles = flags.knob_profiles;
    profiles.insert(profiles.begin(), flags.profile);
    recommend_knobs(profiles, options, flags.json);
    return;
  }
  const auto document = profile::load_profile_document(flags.profile);
  fmt::print(stderr, "searching batching policies for {} ...\n", flags.arrival);
  const auto r = sim::recommend(document, options);
  if (r.status == sim::RecommendStatus::infeasible) {
    throw InputError(fmt::format(
        "--slo-{} {:g} ms is infeasible: the fastest possible service takes {:.4g} ms (the mean latency of a batch "
        "of {} in profile '{}'), so no response can be faster; raise the SLO or profile faster hardware",
        sim::to_string(options.percentile), options.slo_ms, r.fastest_service_ms, r.fastest_batch_size, flags.profile));
  }
  auto json = recommendation_json(r, options, flags);
  if (!flags.json) print_recommendation(r, options, flags);
  if (r.status == sim::RecommendStatus::no_candidate) {
    if (flags.json) std::cout << json.dump(2) << '\n';
    const auto& closest = r.ranked.front();
    throw InputError(fmt::format(
        "no candidate policy meets {} <= {:g} ms under {}: the closest is {} ({} {:.2f} ms, {} rejected); raise the "
        "SLO, lower the arrival rate or search more policy families{}",
        sim::to_string(options.percentile), options.slo_ms, r.arrival, closest.policy,
        sim::to_string(options.percentile), sim::percentile_ms(closest, options.percentile).value_or(0.0),
        closest.rejected,
        options.service.interpolate ? "" : " (--interpolate adds the policies that need unprofiled sizes)"));
  }
  if (const auto* best = r.winner(); best != nullptr && !flags.emit.empty()) {
    const auto model = profile_model(flags.live.backend);
    const auto model_flags = !flags.live.backend.model_file.empty()  ? "--model-file " + model
                             : !flags.live.backend.synthetic.empty() ? "--backend " + model
                                                                     : "--model " + (model.empty() ? r.model : model);
    const auto target = parse_emit_target(flags.emit);
    const auto winner = batching::PolicySpec::parse(best->policy);
    auto text = emit_policy(winner, target, model_flags);
    for (const auto& c : r.ranked) {  // when the target cannot express the winner: its best alternative
      if (expressible(winner, target) || !c.meets_slo) continue;
      const auto spec = batching::PolicySpec::parse(c.policy);
      if (!expressible(spec, target)) continue;
      text += fmt::format(
          "# the best candidate within the SLO that {} can express: {} ({:.4g} J/request against "
          "the winner's {:.4g})\n{}",
          flags.emit, c.policy, c.energy_per_request_j.value_or(0.0), best->energy_per_request_j.value_or(0.0),
          emit_policy(spec, target, model_flags));
      break;
    }
    if (flags.json) {
      json["emit"] = {{"target", flags.emit}, {"text", text}};
    } else {
      fmt::print("\n{}", text);
    }
  }
  if (flags.verify) {
    std::fflush(stdout);  // the recommendation before the live trial's progress
    auto verify_options = options;
    verify_options.requests = flags.verify_requests.value_or(options.requests);
    json["verification"] = verify_winner(document, verify_options, *r.winner(), r.queue_capacity, flags.live,
                                         flags.json ? nullptr : &std::cout);
  }
  if (flags.json) std::cout << json.dump(2) << '\n';
}

}  // namespace

void add_recommend_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "recommend",
      "Search fixed, greedy and dynamic batching in the simulator for the least energy per request "
      "within a p95 or p99 response-time SLO, from a profile document (--seed seeds the arrivals and "
      "service draws, the same for every candidate); --verify runs the winner live");
  auto flags = std::make_shared<RecommendFlags>();
  cmd->add_option("--profile", flags->profile, "profile document written by greenbatch profile --out F.json")
      ->required();
  cmd->add_option("--also-profile", flags->knob_profiles,
                  "another profile of the model at another thread count, precision, CPU cap, GPU power limit or "
                  "GPU clocks (repeatable): search batching x knobs and say how much each knob saves");
  cmd->add_option("--arrival,-a", flags->arrival,
                  "jitter:RATE[,spread=S] | poisson:RATE | trace:FILE[,gaps] | onoff:RATE,ON_S,OFF_S")
      ->required();
  add_number_option(*cmd, "--slo-p95", flags->slo_p95_ms, "bound on the 95th percentile response time, ms",
                    NumberRange::above(0));
  add_number_option(*cmd, "--slo-p99", flags->slo_p99_ms, "or on the 99th percentile, ms", NumberRange::above(0));
  cmd->add_option("--policies", flags->policies, "policy families to search, comma separated")->capture_default_str();
  add_number_option(*cmd, "--requests,-n", flags->requests, "simulated requests per candidate",
                    NumberRange::between(1, 10'000'000));
  add_number_option(*cmd, "--queue-capacity", flags->queue_capacity,
                    "bound of the request queue (default: max(1024, largest profiled batch))",
                    NumberRange::between(1, 10'000'000));
  cmd->add_flag("--deterministic", flags->deterministic,
                "every batch takes its size's mean latency (default: drawn from the measured latencies)");
  cmd->add_flag("--interpolate", flags->interpolate,
                "allow batch sizes the profile lacks, linearly between measured sizes (default: skip such policies)");
  cmd->add_flag("--json", flags->json, "print the recommendation as one JSON object");
  add_number_option(*cmd, "--top", flags->top, "candidates meeting the SLO to list",
                    NumberRange::between(1, 1'000'000));
  cmd->add_option("--emit", flags->emit,
                  "also write the winner as a Triton config.pbtxt dynamic_batching block, TorchServe batch settings, "
                  "or the greenbatch serve command line")
      ->check(CLI::IsMember(std::vector<std::string>(std::begin(kEmitTargets), std::end(kEmitTargets))));
  cmd->add_flag("--verify", flags->verify,
                "run the winner live (meters on) on the model --model, --model-file or --backend names (which also "
                "picks the profile's model) and compare with the prediction");
  add_number_option(*cmd, "--verify-requests", flags->verify_requests,
                    "requests in the live trial (default: --requests), the same arrivals and seed as the search",
                    NumberRange::between(1, 10'000'000));
  add_live_trial_flags(*cmd, flags->live);
  cmd->callback([flags] { run_recommend_command(*flags); });
}

}  // namespace greenbatch::cli
