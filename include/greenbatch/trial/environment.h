#pragma once
/// The environment a result was measured in, written next to every trial.

#include <string>

#include "greenbatch/energy/sampler.h"
#include "greenbatch/engine/backend.h"

namespace greenbatch::trial {

/// JSON text: host, kernel, CPU model and logical CPUs, the backend (kind, device, threads,
/// library and version), the meters with their notes, greenbatch's version and git commit.
std::string environment_json(const engine::BackendInfo& backend, const energy::Sampler& sampler);

}  // namespace greenbatch::trial
