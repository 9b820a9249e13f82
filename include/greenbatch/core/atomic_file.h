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

/// Creates the output folder `dir` (and its parents) when missing. Throws InputError naming
/// `option` (e.g. "--out") and `dir` when it is a file or cannot be created.
void create_output_folder(const std::filesystem::path& dir, std::string_view option);

/// write_file_atomically for text or bytes already in memory.
void write_file_atomically(const std::filesystem::path& target, std::string_view content);

}  // namespace greenbatch
