#pragma once
/// A live trial's resolved configuration, its summary metrics, and every request and batch.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "greenbatch/core/fields.h"
#include "greenbatch/core/request.h"
#include "greenbatch/energy/energy_data.h"
#include "greenbatch/metrics/trial_summary.h"
#include "greenbatch/remote/remote_request.h"

namespace greenbatch::trial {

/// How a trial ended. Data gathered before a failure is kept either way.
enum class TrialStatus {
  ok,
  backend_failed,   ///< the backend threw mid-trial: the trial ended early
  meter_failed,     ///< a meter stopped mid-trial: energy is null, times are complete
  requests_failed,  ///< remote: some requests failed (timeouts, 4xx/5xx); counts per kind in request_faults
  server_failed,    ///< remote: the server went away (refused, reset) or served nothing; data so far kept
};

/// The stable lower-case name of a status ("ok", "backend_failed", "meter_failed").
std::string_view to_string(TrialStatus status);

/// The status named `text`; nullopt for an unknown name (e.g. from a newer store).
std::optional<TrialStatus> trial_status_from(std::string_view text);

/// What a trial ran, resolved (defaults filled in, specs normalised).
struct TrialConfig {
  std::string model;                     ///< zoo name, model file or synthetic spec
  std::string backend;                   ///< "torch" or "synthetic"
  std::string device = "cpu";            ///< "cpu" or "cuda:N"
  int threads = 0;                       ///< intra-op threads
  std::string weights;                   ///< random(seed=N), a file, or none
  std::string policy;                    ///< e.g. "fixed:8,timeout=inf"
  std::string arrival;                   ///< e.g. "jitter:100,spread=0.2"
  std::optional<std::int64_t> requests;  ///< requests scheduled (when given as a count)
  std::optional<double> duration_s;      ///< scheduling horizon (when given as a duration)
  std::uint64_t seed = 1;                ///< seed of the arrival process and generated images
  std::optional<double> slo_ms;          ///< response-time objective
  std::int64_t queue_capacity = 0;       ///< bound of the request queue
  std::string images;                    ///< image folder, "generated", or "none" (synthetic)
  std::string meter;                     ///< meters used, e.g. "rapl+nvml", "estimate", "none"
  double idle_seconds = 0.0;             ///< idle baseline measured before the trial
  std::optional<std::string> target;     ///< remote: the server's URL (null for an in-process trial)
};

/// The configuration as JSON text (member names as keys, null for absent optionals): the form
/// stored with every trial and hashed into its id.
std::string config_json(const TrialConfig& config);

/// An interval on the trial clock, s.
struct TimeSpan {
  double begin_s = 0.0;  ///< start
  double end_s = 0.0;    ///< end (>= start)
};

/// What a remote trial adds: the server's own figures, summed, and the faults per kind.
struct RemoteOutcome {
  std::optional<double> server_energy_j;  ///< sum of the energy_j the server reported per served request
                                          ///< (null when it reported none, or not for every one)
  std::string server_energy_source;       ///< the server's energy_source labels, joined with +
  std::string request_faults;             ///< failed requests per kind, e.g. "refused=3;http_503=2" ("" none)
  std::string energy_scope;               ///< what this machine's meters cover (the client's host)
};

/// One trial, complete.
struct TrialRecord {
  std::string trial_id;                  ///< unique; a hash of the resolved configuration
  std::string started_at;                ///< UTC, ISO 8601
  TrialStatus status = TrialStatus::ok;  ///< ok, or what went wrong
  std::string status_detail;             ///< the details of a non-ok status
  TrialConfig config;                    ///< what ran, resolved
  std::string requested_json;            ///< what was asked, before defaults (settings_json)
  std::string environment_json;          ///< host, CPU, library, meters, commit
  metrics::TrialSummary summary;
  std::vector<RequestRecord> requests;  ///< every scheduled request, rejected ones included
  std::vector<BatchRecord> batches;
  std::vector<energy::SampledDomain> power_domains;    ///< what each trace column measures
  std::vector<energy::PowerSample> power_trace;        ///< the sampler's trace during the trial, on the
                                                       ///< trial clock (s since its start, like requests)
  std::optional<TimeSpan> energy_window;               ///< the energy window's ends on the trial clock
                                                       ///< (null: no meter); it covers every batch
  std::optional<std::string> study_id;                 ///< the study it belongs to (null for `run`)
  std::optional<std::int64_t> repetition;              ///< its repetition within the study (0-based)
  std::optional<std::int64_t> position;                ///< its place in the study's running order
  std::optional<RemoteOutcome> remote;                 ///< remote trials only: server figures and faults
  std::vector<remote::RemoteRequest> remote_requests;  ///< remote trials only: what the client saw
};

/// The columns of one trial row: id, status, configuration and summary.
FieldTable<TrialRecord> fields(const TrialRecord*);

}  // namespace greenbatch::trial
