// Study progress: a bar with ETA on a terminal, plain lines otherwise.
#include "study_progress.h"

#include <unistd.h>

#include <fmt/format.h>

namespace greenbatch::cli {
namespace {

std::string cell(const study::PlannedTrial& t) {
  std::string knobs = t.threads > 0 ? fmt::format(" threads {}", t.threads) : "";
  if (t.precision != engine::Precision::fp32) knobs += " " + engine::to_string(t.precision);
  if (t.cpu_max_freq_khz) knobs += fmt::format(" cpu {} kHz", *t.cpu_max_freq_khz);
  if (t.gpu_power_limit_w) knobs += fmt::format(" gpu {} W", *t.gpu_power_limit_w);
  return fmt::format("{} {} {}{} rep {}", t.model, t.target.empty() ? t.policy : t.target + " " + t.policy, t.arrival,
                     knobs, t.repetition + 1);
}

std::string duration(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

}  // namespace

StudyProgress::StudyProgress(std::FILE* out) : out_(out), terminal_(isatty(fileno(out)) != 0) {}

std::string StudyProgress::eta(std::size_t remaining) const {
  if (finished_ == 0) return "ETA unknown";
  return "ETA " + duration(seconds_ / static_cast<double>(finished_) * static_cast<double>(remaining));
}

void StudyProgress::on_study_start(const std::vector<study::PlannedTrial>& plan, std::size_t already_done) {
  to_run_ = plan.size() - already_done;
  if (already_done > 0) {
    fmt::print(out_, "resuming: {} of {} trials already stored, {} to run\n", already_done, plan.size(), to_run_);
  } else {
    fmt::print(out_, "study: {} trials to run\n", plan.size());
  }
}

void StudyProgress::on_log(const std::string& line) {
  if (terminal_) fmt::print(out_, "\r\033[K");
  fmt::print(out_, "  {}\n", line);
}

void StudyProgress::on_trial_start(const study::PlannedTrial& trial, std::size_t index, std::size_t to_run) {
  if (!terminal_) return;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(kWidth * index / std::max<std::size_t>(to_run, 1));
  fmt::print(out_, "\r\033[K[{}{}] {}/{}  {}  {}", std::string(filled, '#'), std::string(kWidth - filled, '.'),
             index + 1, to_run, eta(to_run - index), cell(trial));
  std::fflush(out_);
}

void StudyProgress::on_trial_end(const study::PlannedTrial& trial, const trial::TrialRecord& record, double seconds) {
  ++finished_;
  seconds_ += seconds;
  const auto& s = record.summary;
  const std::string energy = s.energy_per_request_j
                                 ? fmt::format("{:.4g} J/request ({})", *s.energy_per_request_j, s.energy_source)
                                 : fmt::format("energy {}", s.energy_status);
  const std::string p95 = s.response_p95_ms ? fmt::format("p95 {:.1f} ms", *s.response_p95_ms) : "no response";
  if (terminal_) fmt::print(out_, "\r\033[K");
  fmt::print(out_, "trial {}/{} {}: {}, {}, {}{}; {}\n", finished_, to_run_, cell(trial),
             trial::to_string(record.status), p95, energy,
             s.rejected > 0 ? fmt::format(", {} rejected", s.rejected) : "", eta(to_run_ - finished_));
}

}  // namespace greenbatch::cli
