#pragma once
// Test helper: hand-made profile documents for the simulator's tests.

#include <optional>
#include <string>
#include <vector>

#include "greenbatch/profile/profile_document.h"

namespace greenbatch::testing {

/// A cell of `model` at batch size `b` with the given latencies (ms) and energy per batch (J).
inline profile::ProfileCell cell(int b, std::vector<double> samples_ms, std::optional<double> energy_j = {},
                                 const std::string& model = "m") {
  profile::ProfileCell c;
  c.model = model;
  c.backend = "torch";
  c.device = "cpu";
  c.threads = 2;
  c.weights = "random(seed=1)";
  c.batch_size = b;
  double sum = 0.0;
  for (const double s : samples_ms) sum += s;
  c.latency_mean_ms = sum / static_cast<double>(samples_ms.size());
  c.latency_samples_ms = std::move(samples_ms);
  c.energy_per_batch_j = energy_j;
  return c;
}

/// `c` with batches measured after idle gaps: {gap ms, latencies ms, energy per batch J}.
inline profile::ProfileCell with_gaps(profile::ProfileCell c, std::vector<profile::IdleGapSamples> gaps) {
  c.idle_gaps = std::move(gaps);
  return c;
}

/// A document holding `cells`, with energy from `source` and the idle power given.
inline profile::ProfileDocument document(std::vector<profile::ProfileCell> cells, std::string source = "none",
                                         std::optional<double> idle_power_w = {}) {
  profile::ProfileDocument d;
  d.path = "test.json";
  d.environment_json = "{}";
  d.energy_source = std::move(source);
  d.idle_power_w = idle_power_w;
  d.cells = std::move(cells);
  return d;
}

}  // namespace greenbatch::testing
