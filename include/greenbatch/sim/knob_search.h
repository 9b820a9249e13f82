#pragma once
/// Searching batching × knobs: one profile per knob setting (thread count, precision, CPU
/// frequency cap, GPU power limit, GPU clocks), each searched by the recommender; the least energy
/// per request within the SLO over all of them, and how much of the saving each knob gives.

#include <optional>
#include <string>
#include <vector>

#include "greenbatch/knobs/knob_settings.h"
#include "greenbatch/profile/profile_document.h"
#include "greenbatch/sim/recommender.h"

namespace greenbatch::sim {

/// The knob settings a profile was measured at.
struct KnobSetting {
  int threads = 0;                 ///< intra-op threads of its cells
  std::string precision = "fp32";  ///< fp32 or bf16
  knobs::KnobSettings power;       ///< power knobs held for the profile (unset: the machine's own setting)

  bool operator==(const KnobSetting&) const = default;
};

/// Each power knob that is set: "CPU cap 1.2 GHz, GPU power limit 150 W, GPU clocks 810 MHz"
/// (empty when none is).
std::string to_string(const knobs::KnobSettings& power);

/// "2 threads, fp32", followed by each power knob that is set (", CPU cap 1.2 GHz").
std::string to_string(const KnobSetting& setting);

/// What one knob gives: the winner against a reference that differs from it in that knob alone.
struct KnobSaving {
  std::string knob;     ///< "threads", "precision", "cpu_max_freq_khz", "gpu_power_limit_w", "gpu_clocks_mhz" (the
                        ///< profile columns) or "batching"
  KnobSetting setting;  ///< the reference's setting (the knob at its default, the others the winner's)
  Reference reference;  ///< the reference policy predicted there (unavailable when not profiled)
};

/// The outcome of searching several profiles that differ in their knob settings.
struct KnobSearch {
  std::vector<KnobSetting> settings;        ///< each profile's setting, in the order given
  std::vector<Recommendation> per_profile;  ///< each profile's search, in the order given
  std::optional<std::size_t> winner;  ///< the profile whose winner uses the least energy (null: none meets the SLO)
  KnobSetting default_setting;        ///< what a run gets without the knobs: the most threads profiled, fp32,
                                      ///< no power knob set
  std::vector<KnobSaving> savings;    ///< per knob that varies among the profiles, then batching (fixed:1 at
                                      ///< the winner's setting); empty when no profile meets the SLO
};

/// Searches every document (one model; each of one knob setting, all different) with `options`;
/// the savings are the winner's against each reference, % of the reference's energy per request.
/// Throws UsageError for fewer than two documents or a repeated setting, and what recommend()
/// throws.
KnobSearch search_knobs(const std::vector<profile::ProfileDocument>& documents, const RecommendOptions& options);

}  // namespace greenbatch::sim
