#pragma once
/// The environment a result was measured in, written next to every trial.

#include <string>

#include "greenbatch/energy/sampler.h"
#include "greenbatch/engine/backend.h"

namespace greenbatch::trial {

/// JSON text: host, kernel, CPU model and logical CPUs, the GPU models (the NVIDIA driver's list;
/// empty without one), the backend (kind, device, threads,
/// library and version), the meters with their notes, greenbatch's version and git commit.
std::string environment_json(const engine::BackendInfo& backend, const energy::Sampler& sampler);

/// This machine's host name (gethostname), as the environment record and `{host}` in file names give it.
std::string host_name();

}  // namespace greenbatch::trial
