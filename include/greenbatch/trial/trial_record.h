#pragma once
/// A live trial's resolved configuration, its summary metrics, and every request and batch.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "greenbatch/core/fields.h"
#include "greenbatch/core/request.h"
#include "greenbatch/energy/baseline.h"
#include "greenbatch/energy/sampler.h"

namespace greenbatch::trial {

/// What a trial ran, resolved (defaults filled in, specs normalised).
struct TrialConfig {
  std::string model;                    ///< zoo name, model file or synthetic spec
  std::string backend;                  ///< "torch" or "synthetic"
  std::string device = "cpu";           ///< "cpu" or "cuda:N"
  int threads = 0;                      ///< intra-op threads
  std::string weights;                  ///< random(seed=N), a file, or none
  std::string policy;                   ///< e.g. "fixed:8,timeout=inf"
  std::string arrival;                  ///< e.g. "jitter:100,spread=0.2"
  std::optional<std::int64_t> requests; ///< requests scheduled (when given as a count)
  std::optional<double> duration_s;     ///< scheduling horizon (when given as a duration)
  std::uint64_t seed = 1;               ///< seed of the arrival process and generated images
  std::optional<double> slo_ms;         ///< response-time objective
  std::int64_t queue_capacity = 0;      ///< bound of the request queue
  std::string images;                   ///< image folder, "generated", or "none" (synthetic)
  std::string meter;                    ///< meters used, e.g. "rapl+nvml", "estimate", "none"
  double idle_seconds = 0.0;            ///< idle baseline measured before the trial
};

/// The configuration as JSON text (member names as keys, null for absent optionals): the form
/// stored with every trial and hashed into its id.
std::string config_json(const TrialConfig& config);

/// The metrics of one trial (definitions in the README, "run metrics").
struct TrialSummary {
  std::int64_t requests = 0;            ///< scheduled
  std::int64_t served = 0;              ///< completed
  std::int64_t rejected = 0;            ///< refused by the full queue
  std::int64_t batches = 0;             ///< batches run
  double duration_s = 0.0;              ///< first arrival to last completion
  double throughput_rps = 0.0;          ///< served / duration
  double mean_batch_size = 0.0;         ///< served / batches
  std::optional<double> response_mean_ms, response_p50_ms, response_p90_ms, response_p95_ms, response_p99_ms,
      response_max_ms;                  ///< completion − arrival over served requests
  std::optional<double> wait_mean_ms, wait_p95_ms;        ///< start − arrival: time queued
  std::optional<double> service_mean_ms, service_p95_ms;  ///< completion − start: time in service
  double lateness_max_ms = 0.0;         ///< worst release delay of the producer (arrival − scheduled)
  std::int64_t late_requests = 0;       ///< released more than 1 ms after their scheduled time
  std::optional<double> slo_attainment; ///< share of scheduled requests served within the SLO
  std::string energy_source = "none";   ///< see the profile columns
  std::string energy_status = "no_meter";
  std::optional<double> energy_j, static_energy_j, dynamic_energy_j;  ///< over the trial's window
  std::optional<double> energy_per_request_j, dynamic_energy_per_request_j;  ///< per served request
  std::optional<double> idle_power_w, avg_power_w, peak_power_w;
  std::string energy_by_domain_j;       ///< "package-0=12.5;dram-0=1.25"
};

/// One trial, complete.
struct TrialRecord {
  std::string trial_id;                 ///< unique; a hash of the resolved configuration
  std::string started_at;               ///< UTC, ISO 8601
  std::string status = "ok";            ///< ok, or what went wrong (e.g. meter_failed)
  std::string status_detail;            ///< the details of a non-ok status
  TrialConfig config;
  std::string environment_json;         ///< host, CPU, library, meters, commit
  TrialSummary summary;
  std::vector<RequestRecord> requests;  ///< every scheduled request, rejected ones included
  std::vector<BatchRecord> batches;
  std::vector<energy::SampledDomain> power_domains;  ///< what each trace column measures
  std::vector<energy::PowerSample> power_trace;      ///< the sampler's trace during the trial
  std::optional<std::string> study_id;       ///< the study it belongs to (null for `run`)
  std::optional<std::int64_t> repetition;    ///< its repetition within the study (0-based)
  std::optional<std::int64_t> position;      ///< its place in the study's running order
};

/// The columns of one trial row: id, status, configuration and summary.
FieldTable<TrialRecord> fields(const TrialRecord*);

/// Computes the summary from the request and batch records, the trial's energy window and the
/// idle baseline measured before it. `slo_ms` is optional.
TrialSummary summarize(const std::vector<RequestRecord>& requests, const std::vector<BatchRecord>& batches,
                       const energy::EnergyWindow& window, const energy::IdleBaseline& idle,
                       std::optional<double> slo_ms);

}  // namespace greenbatch::trial
