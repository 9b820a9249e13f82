// Served traffic cut into trial records.
#include "greenbatch/serve/traffic_recorder.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "greenbatch/core/stamp.h"
#include "greenbatch/trial/environment.h"

namespace greenbatch::serve {

TrafficRecorder::TrafficRecorder(trial::TrialConfig config, std::string environment_json, energy::Sampler* sampler,
                                 energy::IdleBaseline idle)
    : config_(std::move(config)),
      environment_json_(std::move(environment_json)),
      sampler_(sampler),
      idle_(std::move(idle)),
      started_at_(utc_now_iso()) {
  if (sampler_) begin_ = sampler_->mark();
}

void TrafficRecorder::set_clock_zero(std::chrono::steady_clock::time_point zero) {
  const std::lock_guard lock(mutex_);
  if (sampler_ != nullptr) {
    origin_s_ = sampler_->now() - std::chrono::duration<double>(std::chrono::steady_clock::now() - zero).count();
  }
}

void TrafficRecorder::add_rejected(std::int64_t id, double arrival_s) {
  RequestRecord r;
  r.id = id;
  r.scheduled_s = r.arrival_s = arrival_s;
  r.rejected = true;
  const std::lock_guard lock(mutex_);
  requests_.push_back(r);
}

void TrafficRecorder::add_batch(const BatchRecord& batch, const std::vector<RequestRecord>& requests) {
  const std::lock_guard lock(mutex_);
  batches_.push_back(batch);
  requests_.insert(requests_.end(), requests.begin(), requests.end());
}

void TrafficRecorder::add_failure(const std::string& detail, const std::vector<RequestRecord>& requests) {
  const std::lock_guard lock(mutex_);
  failures_.push_back(detail);
  requests_.insert(requests_.end(), requests.begin(), requests.end());
}

std::optional<trial::TrialRecord> TrafficRecorder::cut() {
  const std::lock_guard lock(mutex_);
  trial::TrialRecord record;
  record.requests = std::exchange(requests_, {});
  record.batches = std::exchange(batches_, {});
  const auto failures = std::exchange(failures_, {});
  const auto started_at = std::exchange(started_at_, utc_now_iso());
  energy::EnergyWindow window;
  window.status = energy::WindowStatus::no_meter;
  window.source = "none";
  if (sampler_) {
    const auto end = sampler_->mark();
    window = sampler_->window(*begin_, end);
    record.power_domains = sampler_->domains();
    record.power_trace = sampler_->trace(begin_->time_s, end.time_s);
    // On the server clock, like the requests and batches.
    for (auto& sample : record.power_trace) sample.time_s -= origin_s_;
    record.energy_window = trial::TimeSpan{begin_->time_s - origin_s_, end.time_s - origin_s_};
    sampler_->discard_trace_before(end.time_s);
    begin_ = end;
  }
  if (record.requests.empty() && failures.empty()) return std::nullopt;
  std::ranges::sort(record.requests, {}, &RequestRecord::id);
  if (!failures.empty()) {
    record.status = trial::TrialStatus::backend_failed;
    record.status_detail = fmt::format("{} batch(es) failed and were answered 500; first: {}", failures.size(),
                                       failures.front());
  } else if (window.status == energy::WindowStatus::meter_failed) {
    record.status = trial::TrialStatus::meter_failed;
    record.status_detail = window.detail;
  }
  record.config = config_;
  record.config.requests = static_cast<std::int64_t>(record.requests.size());
  record.config.duration_s = window.seconds > 0.0 ? std::optional<double>(window.seconds) : std::nullopt;
  record.started_at = started_at;
  record.trial_id = short_hash(trial::config_json(record.config) + started_at + std::to_string(windows_++));
  record.environment_json = environment_json_;
  record.summary = metrics::summarize(record.requests, record.batches, window, idle_, config_.slo_ms);
  return record;
}

}  // namespace greenbatch::serve
