// recommend over profiles of several knob settings: batching × threads × precision × power knobs,
// and each knob's saving.
#include "recommend_knobs.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>

#include "greenbatch/core/error.h"
#include "greenbatch/core/json_optional.h"
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

// A setting with every knob; a power knob not set is null (the machine's own setting).
Json setting_json(const sim::KnobSetting& s) {
  return {{"threads", s.threads},
          {"precision", s.precision},
          {"cpu_max_freq_khz", json_or_null(s.power.cpu_max_freq_khz)},
          {"gpu_power_limit_w", json_or_null(s.power.gpu_power_limit_w)},
          {"gpu_clocks_mhz", json_or_null(s.power.gpu_clocks_mhz)}};
}

Json saving_json(const sim::KnobSaving& s, const sim::RecommendOptions& options) {
  const auto& ref = s.reference;
  return {{"knob", s.knob},
          {"policy", ref.policy},
          {"setting", setting_json(s.setting)},
          {"prediction", candidate_json(ref.prediction ? &*ref.prediction : nullptr, options)},
          {"unavailable", ref.prediction ? Json() : Json(ref.unavailable)},
          {"winner_saves_percent", ref.saving_percent ? Json(*ref.saving_percent) : Json()}};
}

std::string saving_text(const sim::KnobSaving& s, const sim::RecommendOptions& options) {
  const auto& ref = s.reference;
  const auto where = fmt::format("{} at {}", ref.policy, sim::to_string(s.setting));
  if (!ref.prediction) return fmt::format("{}: not predicted: {}", where, ref.unavailable);
  const auto& c = *ref.prediction;
  return fmt::format("{}: {:.4g} J/request, {} {:.2f} ms{}; the winner saves {}", where,
                     c.energy_per_request_j.value_or(0.0), sim::to_string(options.percentile),
                     sim::percentile_ms(c, options.percentile).value_or(0.0), c.meets_slo ? "" : " (misses the SLO)",
                     ref.saving_percent ? fmt::format("{:.1f}%", *ref.saving_percent) : "n/a");
}

}  // namespace

void recommend_knobs(const std::vector<std::string>& profiles, const sim::RecommendOptions& options, bool json) {
  std::vector<profile::ProfileDocument> documents;
  for (const auto& path : profiles) documents.push_back(profile::load_profile_document(path));
  fmt::print(stderr, "searching batching x knobs for {} over {} profiles ...\n", options.arrival, profiles.size());
  const auto search = sim::search_knobs(documents, options);
  if (!search.winner) {
    throw InputError(
        fmt::format("no policy meets {} <= {:g} ms at any of the knob settings profiled; raise the SLO "
                    "or lower the arrival rate",
                    sim::to_string(options.percentile), options.slo_ms));
  }
  const auto& best = *search.per_profile[*search.winner].winner();
  const auto& won = search.settings[*search.winner];
  const auto& source = search.per_profile[*search.winner].energy_source;
  if (json) {
    Json per = Json::array();
    for (std::size_t i = 0; i < profiles.size(); ++i) {
      per.push_back({{"profile", profiles[i]},
                     {"setting", setting_json(search.settings[i])},
                     {"status", sim::to_string(search.per_profile[i].status)},
                     {"winner", candidate_json(search.per_profile[i].winner(), options)}});
    }
    Json savings = Json::array();
    for (const auto& s : search.savings) savings.push_back(saving_json(s, options));
    const Json out = {{"arrival", search.per_profile.front().arrival},
                      {"percentile", sim::to_string(options.percentile)},
                      {"slo_ms", options.slo_ms},
                      {"energy_source", source},
                      {"per_setting", per},
                      {"winner", candidate_json(&best, options)},
                      {"winner_setting", setting_json(won)},
                      {"default_setting", setting_json(search.default_setting)},
                      {"knobs", savings}};
    std::cout << out.dump(2) << '\n';
    return;
  }
  fmt::print("batching x knobs under {}, {} <= {:g} ms ({}):\n", search.per_profile.front().arrival,
             sim::to_string(options.percentile), options.slo_ms, source);
  for (std::size_t i = 0; i < profiles.size(); ++i) {
    const auto* w = search.per_profile[i].winner();
    fmt::print("  {}: {}\n", sim::to_string(search.settings[i]),
               w ? fmt::format("{}, {:.4g} J/request", w->policy, w->energy_per_request_j.value_or(0.0))
                 : std::string("no policy meets the SLO"));
  }
  fmt::print("winner: {} at {}: {:.4g} J/request, {} {:.2f} ms\n", best.policy, sim::to_string(won),
             best.energy_per_request_j.value_or(0.0), sim::to_string(options.percentile),
             sim::percentile_ms(best, options.percentile).value_or(0.0));
  for (const auto& s : search.savings) {
    fmt::print("{} knob (vs {}): {}\n", s.knob,
               s.knob == "batching" ? std::string("no batching") : "its default, " + sim::to_string(s.setting),
               saving_text(s, options));
  }
}

}  // namespace greenbatch::cli
