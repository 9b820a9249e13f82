#pragma once
/// The CPUs helper threads run on. With OMP_PROC_BIND, LibTorch's OpenMP runtime pins the thread
/// that loads it to one core, and every thread that thread starts later inherits that one core.

namespace greenbatch {

/// Lets the calling thread run on every CPU the process was started with (its affinity mask as read
/// before main, so a taskset or cpuset the user chose still holds). Helper threads (the request
/// producer, the meter sampler, HTTP handlers) call it first, so that they never wait for a core
/// that an inference thread holds. Does nothing where the mask cannot be read or set.
void use_startup_cpus();

}  // namespace greenbatch
