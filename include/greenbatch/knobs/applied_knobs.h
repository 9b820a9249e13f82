#pragma once
/// Knobs set for a while: checked, originals recorded on disk, set, and always restored.

#include <string>
#include <vector>

#include "greenbatch/knobs/knob_settings.h"
#include "greenbatch/knobs/knob_state.h"

namespace greenbatch::knobs {

/// Checks that every knob `settings` sets is available and in range, changing nothing: the same
/// errors as AppliedKnobs, raised before a study starts.
void check_knobs(const KnobSettings& settings, const KnobOptions& options);

/// Sets the knobs of a KnobSettings for its lifetime. Construction checks every knob before
/// changing any (UnsupportedError with why and the fix when one is unavailable, UsageError naming
/// the allowed range when a value is outside it), records the originals on disk, then sets them;
/// a failure half-way restores what was set. Destruction restores (also during stack unwinding);
/// a SIGKILLed process's originals are restored by restore_left_over at the next start. One per
/// process at a time; not thread-safe.
class AppliedKnobs {
 public:
  /// Sets `settings` (nothing when none is set).
  AppliedKnobs(const KnobSettings& settings, KnobOptions options);
  /// Restores; a failure is written to stderr and the state file kept for the next start.
  ~AppliedKnobs();
  AppliedKnobs(const AppliedKnobs&) = delete;
  AppliedKnobs& operator=(const AppliedKnobs&) = delete;

  /// Restores the originals now; returns one message per failure (empty: all restored).
  std::vector<std::string> restore();
  /// What was set, one line per knob ("cpu_max_freq 1200000 kHz on 2 CPUs"); empty when none.
  [[nodiscard]] const std::vector<std::string>& applied() const { return applied_; }

 private:
  KnobOptions options_;
  std::vector<Original> originals_;
  std::vector<std::string> applied_;
};

}  // namespace greenbatch::knobs
