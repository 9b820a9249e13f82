// Searching batching × threads over one profile per thread count.
#include "greenbatch/sim/knob_search.h"

#include <algorithm>

#include <fmt/format.h>

#include "greenbatch/core/error.h"

namespace greenbatch::sim {
namespace {

// The thread count of `document`'s cells of `model` (all cells of one profile share it).
int thread_count(const profile::ProfileDocument& document, const std::string& model) {
  for (const auto& cell : document.cells) {
    if (model.empty() || cell.model == model) return cell.threads;
  }
  throw InputError(fmt::format("profile '{}' has no cell of model '{}'", document.path, model));
}

// `policy` predicted on `document`, with the winner's saving against it.
Reference reference(const profile::ProfileDocument& document, const RecommendOptions& options,
                    const std::string& policy, double winner_j) {
  Reference ref{policy, std::nullopt, {}, std::nullopt};
  try {
    ref.prediction = predict(document, options, policy);
  } catch (const Error& e) {
    ref.unavailable = e.what();
    return ref;
  }
  if (ref.prediction->energy_per_request_j && *ref.prediction->energy_per_request_j > 0) {
    ref.saving_percent = 100.0 * (1.0 - winner_j / *ref.prediction->energy_per_request_j);
  }
  return ref;
}

}  // namespace

KnobSearch search_threads(const std::vector<profile::ProfileDocument>& documents, const RecommendOptions& options) {
  if (documents.size() < 2) throw UsageError("searching threads needs two or more profiles, one per thread count");
  KnobSearch search;
  for (const auto& document : documents) {
    const int threads = thread_count(document, options.model);
    if (std::ranges::find(search.threads, threads) != search.threads.end()) {
      throw UsageError(
          fmt::format("profiles '{}' and another have the same thread count {}; give one profile per "
                      "thread count (greenbatch profile --threads N)",
                      document.path, threads));
    }
    search.threads.push_back(threads);
    search.per_profile.push_back(recommend(document, options));
  }
  search.default_profile = static_cast<std::size_t>(std::ranges::max_element(search.threads) - search.threads.begin());
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
  search.same_policy_default_threads = reference(documents[search.default_profile], options, best->policy, winner_j);
  search.no_batching_same_threads = reference(documents[*search.winner], options, "fixed:1", winner_j);
  return search;
}

}  // namespace greenbatch::sim
