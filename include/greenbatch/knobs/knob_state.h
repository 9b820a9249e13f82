#pragma once
/// The original knob values, recorded on disk before a knob is changed, so that a process killed
/// while a knob is set (SIGKILL, power loss) has them restored at the next start.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "greenbatch/knobs/knob_settings.h"

namespace greenbatch::knobs {

/// What one knob was before a change, and where.
struct Original {
  enum class Kind { cpu_max_freq, gpu_power_limit, gpu_clocks };
  Kind kind = Kind::cpu_max_freq;
  std::string target;       ///< cpu_max_freq: the scaling_max_freq file; gpu_*: the NVML device index
  std::uint64_t value = 0;  ///< kHz, or mW; unused for gpu_clocks (restoring resets the lock)
};

/// The state file of process `pid` in `options.state_dir`.
std::filesystem::path state_file(const KnobOptions& options, long pid);

/// Writes `originals` of this process atomically (a new file, then a rename); an empty list
/// removes the file. Throws UnsupportedError naming the file and the fix when it cannot.
void record_originals(const KnobOptions& options, const std::vector<Original>& originals);

/// Restores `originals` (the last one first); returns one message per failure (empty: all done).
std::vector<std::string> restore_originals(const KnobOptions& options, const std::vector<Original>& originals);

/// Restores the originals left by processes that are no longer running and removes their state
/// files (a file whose restore failed stays for the next start). Returns one line per file said
/// to the user ("restored ... left set by process N"). Never throws.
std::vector<std::string> restore_left_over(const KnobOptions& options);

}  // namespace greenbatch::knobs
