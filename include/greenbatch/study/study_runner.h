#pragma once
/// Running a study: every planned trial not yet in the store, each through the live trial code,
/// with model warm-up, idle baseline and rest between trials; one transaction per trial, so a
/// crash loses at most the trial in flight and a rerun resumes.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "greenbatch/store/result_store.h"
#include "greenbatch/study/design.h"
#include "greenbatch/study/shard.h"
#include "greenbatch/study/study_config.h"
#include "greenbatch/trial/trial_builder.h"
#include "greenbatch/trial/trial_record.h"

namespace greenbatch::study {

/// Told what the runner does, for progress output (the study area does not format output).
/// Called on the runner's thread.
class StudyObserver {
 public:
  virtual ~StudyObserver() = default;
  /// Before the first trial: the whole plan, and how many of its trials the store already holds.
  virtual void on_study_start(const std::vector<PlannedTrial>& plan, std::size_t already_done) = 0;
  /// A progress line of the trial builder ("loading resnet50 ...", "warming up ...").
  virtual void on_log(const std::string& line) = 0;
  /// A trial starts; `index` counts the trials of this run from 0, out of `to_run`.
  virtual void on_trial_start(const PlannedTrial& trial, std::size_t index, std::size_t to_run) = 0;
  /// A trial was stored; `seconds` is its wall time including baseline and rest.
  virtual void on_trial_end(const PlannedTrial& trial, const trial::TrialRecord& record, double seconds) = 0;
};

/// What a run of the study did.
struct StudyOutcome {
  std::string study_id;          ///< the configuration's id
  std::size_t planned = 0;       ///< trials in the design (in the shard, when one is run)
  std::size_t already_done = 0;  ///< found in the store and skipped
  std::size_t ran = 0;           ///< run and stored now
  std::size_t failed = 0;        ///< of those, with a status other than ok
};

/// The trial builder's settings for one planned trial of `config` (the same settings `run`
/// builds from its flags, so a one-cell study and `run` store the same configuration).
trial::TrialSettings trial_settings(const StudyConfig& config, const PlannedTrial& planned);

/// Runs the trials of `config` missing from `store`. Refuses a store that holds a different
/// study unless `force`. Opens the meters the config names (UnsupportedError if a named one is
/// unavailable) and loads each model once, on first use. With `shard`, only that shard's trials
/// are planned and run.
StudyOutcome run_study(const StudyConfig& config, store::ResultStore& store, bool force, StudyObserver& observer,
                       const std::optional<Shard>& shard = std::nullopt);

}  // namespace greenbatch::study
