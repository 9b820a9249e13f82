#pragma once
/// Time stamps and short hashes written into results (trial ids, study ids, start times).

#include <string>

namespace greenbatch {

/// The current UTC time as ISO 8601 ("2026-11-26T09:41:07Z").
std::string utc_now_iso();

/// A 16-hex-digit FNV-1a hash of `text` (trial and study ids).
std::string short_hash(const std::string& text);

}  // namespace greenbatch
