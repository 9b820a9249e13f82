#pragma once
// Each knob that varies (threads, precision, power settings) compared across its levels like a
// policy: per model, arrival, host and policy with the other knobs fixed, the levels' energy per
// request and p95 with Kruskal–Wallis, Dunn–Holm and Cliff's delta; and which knob saves the most
// for the least-energy setting against the same setting with that knob at its default. Pure: no I/O.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis.h"

namespace greenbatch::report {

/// One level of a knob in a comparison: the policy's cell at that level.
struct KnobLevelCell {
  KnobLevel level;  ///< the knob's level
  PolicyCell cell;  ///< a copy of the policy's cell in the group at that level
};

/// One knob's levels compared for one policy, with the other varying knobs fixed.
struct KnobComparison {
  Knob knob = Knob::threads;
  std::string policy;
  std::string fixed;                  ///< the other varying knobs' levels ("precision=fp32"; empty: none)
  std::vector<KnobLevelCell> levels;  ///< in level order, two or more
  std::vector<PolicyEffect> effects;  ///< across the levels: energy per request, then p95 response time
  std::string sentence;               ///< the least-energy level against the default one, in plain words
};

/// What one knob gives to the least-energy cell of a model, arrival and host: that cell against
/// the same cell (policy and other knobs) with this knob at its default level.
struct KnobSaving {
  Knob knob = Knob::threads;
  KnobLevel best;                ///< the knob's level in the least-energy cell
  KnobLevel reference;           ///< the knob's default level (default_level)
  std::optional<double> saving;  ///< 1 − best / reference energy per request (0 when best is the
                                 ///< reference; null: the reference cell was not run)
  std::optional<double> p;       ///< Kruskal–Wallis p on energy across this knob's levels for that cell
};

/// The knobs of one model under one arrival process on one host, where at least one varies.
struct KnobStudy {
  std::string model, arrival, host;
  std::string energy_source;                ///< the sources of its energy figures
  std::vector<Knob> knobs;                  ///< the knobs that vary, in kKnobs order
  std::vector<KnobComparison> comparisons;  ///< by knob, the other knobs' levels, then policy
  std::string winner;                       ///< the least-energy cell: "fixed:4 with threads=1"
  std::optional<double> winner_energy;      ///< its mean energy per request, J
  std::vector<KnobSaving> savings;          ///< one per varying knob, the largest saving first
  std::string sentence;                     ///< which knob saves the most, in plain words
};

/// A knob's default level among `levels` (each with its number of trials): threads the most
/// common count (ties: the largest), precision fp32, power settings "none" (the machine's own).
/// When that default was not run: the first precision by rank, or the highest power setting.
KnobLevel default_level(Knob knob, const std::map<KnobLevel, std::size_t>& levels);

/// The knob studies of `analysis`: one per model, arrival and host whose groups are split by a
/// varying knob, in the order of the groups.
std::vector<KnobStudy> knob_studies(const Analysis& analysis);

}  // namespace greenbatch::report
