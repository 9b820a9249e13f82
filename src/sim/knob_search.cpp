// Searching batching × knobs (threads, precision) over one profile per knob setting.
#include "greenbatch/sim/knob_search.h"

#include <algorithm>

#include <fmt/format.h>

#include "greenbatch/core/error.h"

namespace greenbatch::sim {
namespace {

// The knob setting of `document`'s cells of `model` (all cells of one profile share it).
KnobSetting setting_of(const profile::ProfileDocument& document, const std::string& model) {
  for (const auto& cell : document.cells) {
    if (model.empty() || cell.model == model) return {cell.threads, cell.precision};
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

}  // namespace

std::string to_string(const KnobSetting& setting) {
  return fmt::format("{} thread{}, {}", setting.threads, setting.threads == 1 ? "" : "s", setting.precision);
}

KnobSearch search_knobs(const std::vector<profile::ProfileDocument>& documents, const RecommendOptions& options) {
  if (documents.size() < 2) {
    throw UsageError("searching knobs needs two or more profiles, one per thread count and precision");
  }
  KnobSearch search;
  for (const auto& document : documents) {
    const auto setting = setting_of(document, options.model);
    if (std::ranges::find(search.settings, setting) != search.settings.end()) {
      throw UsageError(
          fmt::format("profiles '{}' and another were both measured at {}; give one profile per thread count and "
                      "precision (greenbatch profile --threads N --precision P)",
                      document.path, to_string(setting)));
    }
    search.settings.push_back(setting);
    search.per_profile.push_back(recommend(document, options));
  }
  search.default_setting = {std::ranges::max(search.settings, {}, &KnobSetting::threads).threads, "fp32"};
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
  const auto varies = [&](auto member) {
    return std::ranges::any_of(search.settings, [&](const KnobSetting& s) { return s.*member != won.*member; });
  };
  if (varies(&KnobSetting::threads)) {
    search.savings.push_back(saving("threads", {search.default_setting.threads, won.precision}, best->policy, documents,
                                    search.settings, options, winner_j));
  }
  if (varies(&KnobSetting::precision)) {
    search.savings.push_back(saving("precision", {won.threads, search.default_setting.precision}, best->policy,
                                    documents, search.settings, options, winner_j));
  }
  search.savings.push_back(saving("batching", won, "fixed:1", documents, search.settings, options, winner_j));
  return search;
}

}  // namespace greenbatch::sim
