#pragma once
/// The simulator's server: how long a batch of b requests takes and how much energy it uses,
/// after a given idle time, either from a measured profile or from the linear test double α·b + τ0.

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "greenbatch/profile/profile_document.h"

namespace greenbatch::sim {

/// How a profile becomes service times.
struct ServiceOptions {
  bool deterministic = false;  ///< every batch takes its size's mean latency (else: drawn from the measured ones)
  bool interpolate = false;    ///< fill batch sizes the profile lacks linearly between measured neighbours
};

/// Service time and energy of one batch by its size and the idle time before it, for sizes
/// 1..max_batch(). Idle time is read between the profile's idle-gap cells (gap 0: back to back),
/// linearly; past the largest measured gap the largest gap's cell is used (gap_beyond_measured()
/// says when). Without idle-gap cells every batch is a back-to-back one. Immutable after
/// construction (so thread-safe); draws use the caller's generator.
class ServiceModel {
 public:
  /// From the cells of `model` (empty: the document's only model), for batch sizes 1..max_batch.
  /// A size the profile lacks is filled only with `options.interpolate` and only between two
  /// measured sizes; otherwise throws InputError naming the missing sizes, the measured ones and
  /// the fix.
  static ServiceModel from_profile(const profile::ProfileDocument& document, const std::string& model,
                                   std::size_t max_batch, const ServiceOptions& options);
  /// The test double matching the synthetic backend: a batch of b takes alpha_ms·b + tau0_ms,
  /// always; no energy (source "none").
  static ServiceModel linear(double alpha_ms, double tau0_ms, std::size_t max_batch);

  /// The largest batch size covered.
  [[nodiscard]] std::size_t max_batch() const { return entries_.size(); }
  /// A service time for a batch of `b` (1..max_batch) after `idle_s` of idle server, s: one
  /// uniform read off the measured latencies' quantile functions of its size (interpolated sizes
  /// mix the neighbours') at the two measured gaps around `idle_s`, mixed linearly by gap; the
  /// means instead when deterministic. One generator draw per call, none when deterministic.
  [[nodiscard]] double draw_s(std::size_t b, std::mt19937_64& rng, double idle_s = 0.0) const;
  /// The mean service time of a batch of `b` after `idle_s` idle, s, mixed between gaps as draw_s
  /// (0: back to back, what sustained load sees).
  [[nodiscard]] double mean_s(std::size_t b, double idle_s = 0.0) const;
  /// Energy of one batch of `b` after `idle_s` idle, J (mixed between gaps as draw_s); null when
  /// the profile has none.
  [[nodiscard]] std::optional<double> energy_j(std::size_t b, double idle_s = 0.0) const;
  /// Its part above the idle baseline, J; null when the profile has none.
  [[nodiscard]] std::optional<double> dynamic_energy_j(std::size_t b) const { return entries_[b - 1].dynamic_j; }
  /// Idle power of the profile, W (null: not measured).
  [[nodiscard]] std::optional<double> idle_power_w() const { return idle_power_w_; }
  /// What measured the profile's energy ("rapl", "estimate", ... or "none").
  [[nodiscard]] const std::string& energy_source() const { return energy_source_; }
  /// Batch sizes filled by interpolation (empty when every size was measured).
  [[nodiscard]] const std::vector<std::size_t>& interpolated_sizes() const { return interpolated_; }
  /// Whether some batch size has idle-gap cells (false: every batch is drawn as back to back).
  [[nodiscard]] bool has_idle_gaps() const { return has_idle_gaps_; }
  /// True when `idle_s` exceeds the largest gap measured at size `b` (and that size has gaps):
  /// the draw holds the largest gap's cell rather than extrapolate.
  [[nodiscard]] bool gap_beyond_measured(std::size_t b, double idle_s) const {
    const auto& levels = entries_[b - 1].levels;
    return levels.size() > 1 && idle_s > levels.back().gap_s;
  }
  /// What the simulation should say about this model (no idle-gap data, assumed gap energies).
  [[nodiscard]] const std::vector<std::string>& notes() const { return notes_; }
  /// The model the profile measured ("synthetic:alpha=..." for the test double).
  [[nodiscard]] const profile::ProfileCell& identity() const { return identity_; }

 private:
  // One batch size after one idle gap: samples_[lo, lo + lo_count) and samples_[hi, hi + hi_count)
  // are the sorted latencies (s) of the neighbouring sizes it is drawn from, mixed as
  // (1 - w)·lo + w·hi (lo_count 0: deterministic, the mean).
  struct Level {
    double gap_s = 0.0;
    std::size_t lo = 0, lo_count = 0, hi = 0, hi_count = 0;
    double w = 0.0;
    double mean_s = 0.0;
    std::optional<double> energy_j;
  };
  // One batch size: its levels by ascending gap, the first at gap 0 (back to back).
  struct Entry {
    std::vector<Level> levels{Level{}};
    std::optional<double> dynamic_j;
  };
  std::vector<Entry> entries_;
  std::vector<double> samples_;
  std::optional<double> idle_power_w_;
  std::string energy_source_ = "none";
  std::vector<std::size_t> interpolated_;
  bool has_idle_gaps_ = false;
  std::vector<std::string> notes_;
  profile::ProfileCell identity_;  // model, backend, device, threads, weights (no samples)
};

}  // namespace greenbatch::sim
