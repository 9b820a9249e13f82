#pragma once
/// Facts about the CPU from /proc/cpuinfo (the meters' estimate table, the environment record).

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace greenbatch {

/// The value of the first `key : value` line of `file` (the form of /proc/cpuinfo and of the
/// NVIDIA driver's /proc files), trimmed; nullopt when the file or key is missing.
std::optional<std::string> colon_field(const std::filesystem::path& file, std::string_view key);

/// The value of the first `key : value` line of `<proc_root>/cpuinfo` (e.g. "model name",
/// "vendor_id"); nullopt when the file or key is missing.
std::optional<std::string> cpuinfo_field(const std::filesystem::path& proc_root, std::string_view key);

}  // namespace greenbatch
