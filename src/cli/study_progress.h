#pragma once
/// Internal to cli: study progress on stderr — a bar with ETA and the current cell on a terminal,
/// one plain line per event otherwise (logs, CI).

#include <chrono>
#include <cstdio>

#include "greenbatch/study/study_runner.h"

namespace greenbatch::cli {

/// Prints the runner's events to `out`.
class StudyProgress final : public study::StudyObserver {
 public:
  /// Writes to `out`; draws a bar when `out` is a terminal.
  explicit StudyProgress(std::FILE* out);
  void on_study_start(const std::vector<study::PlannedTrial>& plan, std::size_t already_done) override;
  void on_log(const std::string& line) override;
  void on_trial_start(const study::PlannedTrial& trial, std::size_t index, std::size_t to_run) override;
  void on_trial_end(const study::PlannedTrial& trial, const trial::TrialRecord& record, double seconds) override;

 private:
  [[nodiscard]] std::string eta(std::size_t remaining) const;

  std::FILE* out_;
  bool terminal_;
  std::size_t to_run_ = 0;
  std::size_t finished_ = 0;
  double seconds_ = 0.0;  // wall time of the finished trials
};

}  // namespace greenbatch::cli
