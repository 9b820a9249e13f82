// recommend over profiles of several thread counts: batching × threads, and each knob's saving.
#include "recommend_threads.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>

#include "greenbatch/core/error.h"
#include "greenbatch/profile/profile_document.h"
#include "greenbatch/sim/knob_search.h"

namespace greenbatch::cli {
namespace {

using Json = nlohmann::ordered_json;

Json candidate_json(const sim::Candidate* c, const sim::RecommendOptions& options) {
  if (c == nullptr) return Json();
  return {{"policy", c->policy},
          {"energy_per_request_j", c->energy_per_request_j ? Json(*c->energy_per_request_j) : Json()},
          {"percentile_ms", sim::percentile_ms(*c, options.percentile).value_or(0.0)},
          {"meets_slo", c->meets_slo}};
}

Json reference_json(const sim::Reference& ref, int threads, const sim::RecommendOptions& options) {
  return {{"policy", ref.policy},
          {"threads", threads},
          {"prediction", candidate_json(ref.prediction ? &*ref.prediction : nullptr, options)},
          {"unavailable", ref.prediction ? Json() : Json(ref.unavailable)},
          {"winner_saves_percent", ref.saving_percent ? Json(*ref.saving_percent) : Json()}};
}

std::string reference_text(const sim::Reference& ref, int threads, const sim::RecommendOptions& options) {
  if (!ref.prediction) return fmt::format("{} at {} threads: not predicted: {}", ref.policy, threads, ref.unavailable);
  const auto& c = *ref.prediction;
  return fmt::format("{} at {} threads: {:.4g} J/request, {} {:.2f} ms{}; the winner saves {}", ref.policy, threads,
                     c.energy_per_request_j.value_or(0.0), sim::to_string(options.percentile),
                     sim::percentile_ms(c, options.percentile).value_or(0.0), c.meets_slo ? "" : " (misses the SLO)",
                     ref.saving_percent ? fmt::format("{:.1f}%", *ref.saving_percent) : "n/a");
}

}  // namespace

void recommend_threads(const std::vector<std::string>& profiles, const sim::RecommendOptions& options, bool json) {
  std::vector<profile::ProfileDocument> documents;
  for (const auto& path : profiles) documents.push_back(profile::load_profile_document(path));
  fmt::print(stderr, "searching batching x threads for {} over {} profiles ...\n", options.arrival, profiles.size());
  const auto search = sim::search_threads(documents, options);
  if (!search.winner) {
    throw InputError(
        fmt::format("no policy meets {} <= {:g} ms at any of the thread counts profiled; raise the SLO "
                    "or lower the arrival rate",
                    sim::to_string(options.percentile), options.slo_ms));
  }
  const auto& best = *search.per_profile[*search.winner].winner();
  const int best_threads = search.threads[*search.winner];
  const int default_threads = search.threads[search.default_profile];
  const auto& source = search.per_profile[*search.winner].energy_source;
  if (json) {
    Json per = Json::array();
    for (std::size_t i = 0; i < profiles.size(); ++i) {
      per.push_back({{"profile", profiles[i]},
                     {"threads", search.threads[i]},
                     {"status", sim::to_string(search.per_profile[i].status)},
                     {"winner", candidate_json(search.per_profile[i].winner(), options)}});
    }
    const Json out = {{"arrival", search.per_profile.front().arrival},
                      {"percentile", sim::to_string(options.percentile)},
                      {"slo_ms", options.slo_ms},
                      {"energy_source", source},
                      {"per_thread_count", per},
                      {"winner", candidate_json(&best, options)},
                      {"winner_threads", best_threads},
                      {"threads_knob", reference_json(search.same_policy_default_threads, default_threads, options)},
                      {"batching_knob", reference_json(search.no_batching_same_threads, best_threads, options)}};
    std::cout << out.dump(2) << '\n';
    return;
  }
  fmt::print("batching x threads under {}, {} <= {:g} ms ({}):\n", search.per_profile.front().arrival,
             sim::to_string(options.percentile), options.slo_ms, source);
  for (std::size_t i = 0; i < profiles.size(); ++i) {
    const auto* w = search.per_profile[i].winner();
    fmt::print("  {} threads: {}\n", search.threads[i],
               w ? fmt::format("{}, {:.4g} J/request", w->policy, w->energy_per_request_j.value_or(0.0))
                 : std::string("no policy meets the SLO"));
  }
  fmt::print("winner: {} at {} threads: {:.4g} J/request, {} {:.2f} ms\n", best.policy, best_threads,
             best.energy_per_request_j.value_or(0.0), sim::to_string(options.percentile),
             sim::percentile_ms(best, options.percentile).value_or(0.0));
  fmt::print("threads knob (vs the default, the most threads): {}\n",
             reference_text(search.same_policy_default_threads, default_threads, options));
  fmt::print("batching knob (vs no batching): {}\n",
             reference_text(search.no_batching_same_threads, best_threads, options));
}

}  // namespace greenbatch::cli
