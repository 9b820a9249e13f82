#pragma once
/// Building fake hardware trees (sysfs, /dev/cpu/N/msr) for meter tests.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace greenbatch::testing {

/// Writes `content` to `path`, creating parent directories; replaces an existing file.
void write_file(const std::filesystem::path& path, std::string_view content);

/// Writes `value` as 8 little-endian bytes at byte `offset` of `path` (a sparse regular file read
/// at register offsets behaves like /dev/cpu/N/msr); creates the file when missing.
void write_u64_at(const std::filesystem::path& path, std::uint64_t offset, std::uint64_t value);

/// Runs `fn` in a forked child that has dropped root (uid and gid 65534) when the test runs as
/// root, so that file permissions apply as they do for a normal user; runs it in-process otherwise.
/// Returns what `fn` returned. Only call it from a single-threaded test process, on files in a
/// TempDir made with TempDir::Where::world_readable.
std::string run_unprivileged(const std::function<std::string()>& fn);

}  // namespace greenbatch::testing
