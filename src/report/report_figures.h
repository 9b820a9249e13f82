#pragma once
// The report's figures, built from the analysis (and a stored power trace).

#include <vector>

#include "analysis.h"
#include "figure.h"
#include "greenbatch/store/result_store.h"
#include "validation.h"

namespace greenbatch::report {

/// Per model: energy per request against policy, one series per arrival process, with CIs.
Figure energy_figure(const std::vector<const Group*>& model_groups);

/// Per model and arrival: p50, p95 and maximum response time against policy, with CIs.
Figure latency_figure(const Group& group);

/// Total power against time for one trial's stored trace.
Figure power_figure(const std::string& trial_label, const std::vector<store::TracePoint>& trace);

/// Simulated against live p95 response time per trial, with the line of perfect agreement.
Figure validation_figure(const Validation& validation);

/// A file-name-safe version of `text` ("alexnet jitter:10" -> "alexnet_jitter_10").
std::string slug(const std::string& text);

}  // namespace greenbatch::report
