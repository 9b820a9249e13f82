#pragma once
/// The typed policy spec: a policy's text parsed once, here, into typed properties. Everything
/// downstream (study, sim, recommender, report, store) reads these properties, never the text.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "greenbatch/batching/service_estimate.h"

namespace greenbatch::batching {

/// A family of batching policies.
enum class PolicyFamily {
  fixed,    ///< fixed:B[,timeout=MS]
  greedy,   ///< greedy[:MAX]
  dynamic,  ///< dynamic:MAX,DELAY_MS[,preferred=a|b|c]
  slo,      ///< slo:MS[,max=B][,quantile=Q][,margin=MS]
};

/// The family's name as written in specs ("fixed", "greedy", "dynamic", "slo").
std::string_view to_string(PolicyFamily family);
/// The family named `name`; throws UsageError listing the valid names.
PolicyFamily parse_policy_family(std::string_view name);

/// The syntax of every policy spec, for help texts and error messages.
inline constexpr const char* kPolicySyntax =
    "fixed:B[,timeout=MS] | greedy[:MAX] | dynamic:MAX,DELAY_MS[,preferred=a|b|c] | "
    "slo:MS[,max=B][,quantile=Q][,margin=MS]";

/// The batch bound of greedy, and of slo when neither its spec nor a profile gives one.
inline constexpr std::size_t kDefaultMaxBatch = 256;

/// A parsed policy spec. Values are plain data; parse() validates them.
struct PolicySpec {
  PolicyFamily family = PolicyFamily::greedy;  ///< which policy
  /// fixed: B; greedy and dynamic: MAX; slo: max= (null until given or resolved from a profile).
  std::optional<std::size_t> batch;
  std::optional<double> delay_ms;                       ///< fixed: timeout=; dynamic: DELAY_MS (null for the others)
  std::vector<std::size_t> preferred;                   ///< dynamic: preferred sizes, ascending
  double slo_ms = 0.0;                                  ///< slo: each request's deadline is its arrival + this
  double quantile = ServiceEstimate::kDefaultQuantile;  ///< slo: the service-time quantile it plans with, in (0, 1)
  double margin_ms = 0.0;                               ///< slo: kept in reserve before each deadline, in [0, MS)

  /// Parses `text`. Throws UsageError naming the problem (B < 1, a preferred size above MAX, a
  /// negative delay, MS <= 0, a quantile outside (0, 1), a margin not below MS, an unknown
  /// name or parameter: the message gives every valid form).
  static PolicySpec parse(std::string_view text);
  /// The normalised spec, e.g. "fixed:8,timeout=5", "greedy:256", "slo:100,max=16,margin=2"
  /// (slo's quantile and margin only when not the default).
  [[nodiscard]] std::string to_string() const;
  /// The largest batch the policy dispatches (slo without max: kDefaultMaxBatch).
  [[nodiscard]] std::size_t max_batch() const { return batch.value_or(kDefaultMaxBatch); }
  /// Specs are equal when their normalised forms are.
  bool operator==(const PolicySpec&) const = default;
};

}  // namespace greenbatch::batching
