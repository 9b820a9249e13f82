#pragma once
// The report's figures, built from the analysis (and a stored power trace with its batches).

#include <vector>

#include "analysis.h"
#include "figure.h"
#include "greenbatch/core/request.h"
#include "greenbatch/sim/validation.h"
#include "greenbatch/store/result_store.h"
#include "knob_analysis.h"

namespace greenbatch::report {

/// Per group: energy per request against p95 response time, one colour per policy (each
/// repetition below kMinRepetitionsForInterval, else mean and 95 % CI), the Pareto front of the
/// means, the SLO as a vertical line and the recommended policy labelled.
Figure tradeoff_figure(const Group& group);

/// Per model and host, the paper's figures against batch size (log2 axis), one series per
/// arrival process: `metric` is "energy" (total energy per request), "dynamic" (dynamic energy per
/// request) or "latency" (p50, p95 and max response time). Fixed batch sizes are filled and
/// joined; other policies are hollow, placed at the mean batch size they formed.
Figure batch_figure(const std::vector<const Group*>& model_groups, const std::string& metric);

/// Per varying knob and model (and host): `metric` "energy" (energy per request) or "p95" (p95
/// response time) against the knob's levels in order, one colour per policy (with the arrival
/// process and the other knobs' levels where there are several); each repetition below
/// kMinRepetitionsForInterval, else the mean and its 95 % CI; means joined by lines where the
/// levels are ordered (every knob but precision). `studies` are one model's on one host.
Figure knob_figure(const std::vector<const KnobStudy*>& studies, Knob knob, const std::string& metric);

/// A power trace on the trial's clock with each batch as a band.
struct PowerTrace {
  std::string label;                       ///< which trial
  std::string source;                      ///< energy source of the trial
  std::vector<store::TracePoint> samples;  ///< as stored, on `clock`
  store::TraceClock clock = store::TraceClock::trial;
  std::vector<BatchRecord> batches;  ///< as stored (the trial's clock)
};

/// The stored samples on the trial's clock: the one place that lines power up with batches.
/// Samples stored on the trial clock are kept as they are; older trials' samples (on the
/// sampler's epoch) are re-based on their first sample, taken when the energy window opened just
/// before the trial's clock started: an approximation the figure states.
std::vector<store::TracePoint> on_trial_clock(const std::vector<store::TracePoint>& samples, store::TraceClock clock);

/// Total power against time for one trial, its batches as bands.
Figure power_figure(const PowerTrace& trace);

/// Simulated against live p95 response time per trial, with the line of perfect agreement.
Figure validation_figure(const sim::Validation& validation);

/// A file-name-safe version of `text` ("alexnet jitter:10" -> "alexnet_jitter_10").
std::string slug(const std::string& text);

}  // namespace greenbatch::report
