// Memory this process may still take: /proc/meminfo, RLIMIT_AS and /proc/self/status.
#include "greenbatch/core/memory.h"

#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "greenbatch/core/error.h"

namespace greenbatch {
namespace {

// The value in KiB of the line "KEY: N kB" of a /proc file, or nullopt.
std::optional<std::uint64_t> proc_kib(const char* file, std::string_view key) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with(key) || line.size() <= key.size() || line[key.size()] != ':') continue;
    try {
      return std::stoull(line.substr(key.size() + 1));
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

double gib(std::uint64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0); }

}  // namespace

std::optional<std::uint64_t> allocatable_bytes() {
  std::optional<std::uint64_t> bytes;
  if (const auto available = proc_kib("/proc/meminfo", "MemAvailable")) bytes = *available * 1024;
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    const std::uint64_t used = proc_kib("/proc/self/status", "VmSize").value_or(0) * 1024;
    const std::uint64_t left = limit.rlim_cur > used ? limit.rlim_cur - used : 0;
    bytes = bytes ? std::min(*bytes, left) : left;
  }
  return bytes;
}

void require_memory(std::uint64_t bytes, std::string_view what, std::string_view fix) {
  const auto available = allocatable_bytes();
  if (!available || bytes <= *available) return;
  throw InputError(fmt::format("{} needs about {:.2f} GiB of memory, but only {:.2f} GiB is available; {}", what,
                               gib(bytes), gib(*available), fix));
}

}  // namespace greenbatch
