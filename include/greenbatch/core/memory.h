#pragma once
/// How much memory this process may still take, so that work whose size a flag sets is refused
/// up front, with the memory it would need, rather than growing until the machine or `ulimit -v`
/// stops it.

#include <cstdint>
#include <optional>
#include <string_view>

namespace greenbatch {

/// Bytes this process can still allocate: the smaller of the system's MemAvailable and what its
/// address-space limit (RLIMIT_AS, `ulimit -v`) leaves beyond its current size; nullopt when
/// neither is known.
std::optional<std::uint64_t> allocatable_bytes();

/// Throws InputError "WHAT needs about N GiB of memory, but only M GiB is available; FIX" when
/// `bytes` exceeds allocatable_bytes().
void require_memory(std::uint64_t bytes, std::string_view what, std::string_view fix);

}  // namespace greenbatch
