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

/// The current UTC time as ISO 8601 ("2026-11-26T09:41:07Z").
std::string utc_now_iso();

/// A 16-hex-digit FNV-1a hash of `text` (trial ids).
std::string short_hash(const std::string& text);

}  // namespace greenbatch::trial
