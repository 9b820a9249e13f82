#pragma once
/// Internal to profile: the process's peak resident memory, resettable per measurement.

#include <cstdint>
#include <optional>

namespace greenbatch::profile {

/// Resets the kernel's peak-RSS mark of this process (Linux /proc/self/clear_refs "5");
/// returns false where that is not permitted, in which case peaks are process-lifetime peaks.
bool reset_peak_rss();

/// Peak resident memory in KiB (VmHWM from /proc/self/status), or nullopt if unreadable.
std::optional<std::int64_t> peak_rss_kib();

}  // namespace greenbatch::profile
