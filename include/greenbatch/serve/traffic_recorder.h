#pragma once
/// Served traffic as trials: the request and batch records of a serving run, cut into windows
/// (the whole run, or every --record-every seconds), each summarised like a live trial with the
/// energy the sampler measured over it.

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "greenbatch/core/request.h"
#include "greenbatch/energy/baseline.h"
#include "greenbatch/energy/sampler.h"
#include "greenbatch/trial/trial_record.h"

namespace greenbatch::serve {

/// Collects records while serving. Thread-safe: I/O threads add rejections, the worker adds
/// batches; the controlling thread cuts windows. Memory holds one window's records.
class TrafficRecorder {
 public:
  /// Records into trials configured as `config` (arrival "http"), with energy from `sampler`
  /// (null: none) split by `idle`. Starts the first window now.
  TrafficRecorder(trial::TrialConfig config, std::string environment_json, energy::Sampler* sampler,
                  energy::IdleBaseline idle);

  /// The server clock's zero: power samples and energy windows are stored on that clock, the
  /// same as requests and batches. Called once, by the service, before traffic arrives.
  void set_clock_zero(std::chrono::steady_clock::time_point zero);

  /// Adds a request refused at time `arrival_s` (server clock).
  void add_rejected(std::int64_t id, double arrival_s);
  /// Adds a finished batch and the requests it answered (with batch_id and times filled).
  void add_batch(const BatchRecord& batch, const std::vector<RequestRecord>& requests);
  /// Adds a batch the backend failed on and its requests (answered 500: never completed); the
  /// window's status becomes backend_failed.
  void add_failure(const std::string& detail, const std::vector<RequestRecord>& requests);

  /// Ends the current window and returns it as a trial (summary, records, power trace), starting
  /// the next one; nullopt when nothing arrived in it.
  std::optional<trial::TrialRecord> cut();

 private:
  trial::TrialConfig config_;
  std::string environment_json_;
  energy::Sampler* sampler_;
  energy::IdleBaseline idle_;
  std::mutex mutex_;
  std::optional<energy::EnergyMark> begin_;
  std::string started_at_;
  double origin_s_ = 0.0;  // the server clock's zero on the sampler's clock
  int windows_ = 0;
  std::vector<RequestRecord> requests_;
  std::vector<BatchRecord> batches_;
  std::vector<std::string> failures_;
};

}  // namespace greenbatch::serve
