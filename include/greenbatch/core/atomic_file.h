#pragma once
/// Output files written whole or not at all: the content goes to a temporary file beside the
/// target, every write is checked, and only a complete file replaces the target (rename), so a
/// full disk or a crash never leaves a truncated export, figure or report behind.

#include <filesystem>
#include <functional>
#include <ostream>
#include <string_view>

namespace greenbatch {

/// Writes `target` through `write`. Throws InputError naming `target` (and the cause, e.g. a full
/// disk) when the folder is missing, not writable, or a write fails; the previous content of
/// `target`, if any, is then left as it was.
void write_file_atomically(const std::filesystem::path& target, const std::function<void(std::ostream&)>& write);

/// write_file_atomically for text or bytes already in memory.
void write_file_atomically(const std::filesystem::path& target, std::string_view content);

}  // namespace greenbatch
