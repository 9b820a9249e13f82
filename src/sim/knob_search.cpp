// Searching batching × knobs (threads, precision, power knobs) over one profile per knob setting.
#include "greenbatch/sim/knob_search.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "greenbatch/core/error.h"

namespace greenbatch::sim {
namespace {

// The knob setting of `document`'s cells of `model` (all cells of one profile share it).
KnobSetting setting_of(const profile::ProfileDocument& document, const std::string& model) {
  for (const auto& cell : document.cells) {
    if (model.empty() || cell.model == model) return {cell.threads, cell.precision, cell.knobs};
  }
  throw InputError(fmt::format("profile '{}' has no cell of model '{}'", document.path, model));
}

// `policy` predicted on the profile measured at `setting`, with the winner's saving against it.
KnobSaving saving(const std::string& knob, const KnobSetting& setting, const std::string& policy,
                  const std::vector<profile::ProfileDocument>& documents, const std::vector<KnobSetting>& settings,
                  const RecommendOptions& options, double winner_j) {
  KnobSaving out{knob, setting, Reference{policy, std::nullopt, {}, std::nullopt}};
  auto& ref = out.reference;
  const auto at = std::ranges::find(settings, setting);
  if (at == settings.end()) {
    ref.unavailable = fmt::format("no profile at {}; profile it to compare", to_string(setting));
    return out;
  }
  try {
    ref.prediction = predict(documents[static_cast<std::size_t>(at - settings.begin())], options, policy);
  } catch (const Error& e) {
    ref.unavailable = e.what();
    return out;
  }
  if (ref.prediction->energy_per_request_j && *ref.prediction->energy_per_request_j > 0) {
    ref.saving_percent = 100.0 * (1.0 - winner_j / *ref.prediction->energy_per_request_j);
  }
  return out;
}

// A knob the search may vary: its name, and `s` with that knob alone taken from `from`.
struct Knob {
  const char* name;
  KnobSetting (*take)(KnobSetting s, const KnobSetting& from);
};

constexpr std::array<Knob, 5> kKnobs{{
    {"threads",
     [](KnobSetting s, const KnobSetting& from) {
       s.threads = from.threads;
       return s;
     }},
    {"precision",
     [](KnobSetting s, const KnobSetting& from) {
       s.precision = from.precision;
       return s;
     }},
    {"cpu_max_freq_khz",
     [](KnobSetting s, const KnobSetting& from) {
       s.power.cpu_max_freq_khz = from.power.cpu_max_freq_khz;
       return s;
     }},
    {"gpu_power_limit_w",
     [](KnobSetting s, const KnobSetting& from) {
       s.power.gpu_power_limit_w = from.power.gpu_power_limit_w;
       return s;
     }},
    {"gpu_clocks_mhz",
     [](KnobSetting s, const KnobSetting& from) {
       s.power.gpu_clocks_mhz = from.power.gpu_clocks_mhz;
       return s;
     }},
}};

}  // namespace

std::string to_string(const knobs::KnobSettings& power) {
  std::vector<std::string> set;
  if (power.cpu_max_freq_khz) {
    set.push_back(fmt::format("CPU cap {} GHz", static_cast<double>(*power.cpu_max_freq_khz) / 1e6));
  }
  if (power.gpu_power_limit_w) set.push_back(fmt::format("GPU power limit {} W", *power.gpu_power_limit_w));
  if (power.gpu_clocks_mhz) set.push_back(fmt::format("GPU clocks {} MHz", *power.gpu_clocks_mhz));
  return fmt::format("{}", fmt::join(set, ", "));
}

std::string to_string(const KnobSetting& setting) {
  auto text = fmt::format("{} thread{}, {}", setting.threads, setting.threads == 1 ? "" : "s", setting.precision);
  if (setting.power.any()) text += ", " + to_string(setting.power);
  return text;
}

KnobSearch search_knobs(const std::vector<profile::ProfileDocument>& documents, const RecommendOptions& options) {
  if (documents.size() < 2) {
    throw UsageError(
        "searching knobs needs two or more profiles, one per knob setting (thread count, precision, CPU cap, GPU "
        "power limit or clocks)");
  }
  KnobSearch search;
  for (const auto& document : documents) {
    const auto setting = setting_of(document, options.model);
    if (std::ranges::find(search.settings, setting) != search.settings.end()) {
      throw UsageError(
          fmt::format("profiles '{}' and another were both measured at {}; give one profile per knob setting "
                      "(greenbatch profile --threads N --precision P --cpu-max-freq KHZ --gpu-power-limit W "
                      "--gpu-clocks MHZ)",
                      document.path, to_string(setting)));
    }
    search.settings.push_back(setting);
    search.per_profile.push_back(recommend(document, options));
  }
  search.default_setting = {std::ranges::max(search.settings, {}, &KnobSetting::threads).threads, "fp32", {}};
  const Candidate* best = nullptr;
  for (std::size_t i = 0; i < documents.size(); ++i) {
    const auto* candidate = search.per_profile[i].winner();
    if (candidate == nullptr || candidate->energy_per_request_j == std::nullopt) continue;
    if (best == nullptr || *candidate->energy_per_request_j < *best->energy_per_request_j) {
      best = candidate;
      search.winner = i;
    }
  }
  if (best == nullptr) return search;
  const double winner_j = *best->energy_per_request_j;
  const auto& won = search.settings[*search.winner];
  for (const auto& knob : kKnobs) {
    // A knob varies when some profile differs from the winner in it.
    const bool varies = std::ranges::any_of(search.settings,
                                            [&](const KnobSetting& s) { return knob.take(s, won) != s; });
    if (varies) {
      search.savings.push_back(saving(knob.name, knob.take(won, search.default_setting), best->policy, documents,
                                      search.settings, options, winner_j));
    }
  }
  search.savings.push_back(saving("batching", won, "fixed:1", documents, search.settings, options, winner_j));
  return search;
}

}  // namespace greenbatch::sim
