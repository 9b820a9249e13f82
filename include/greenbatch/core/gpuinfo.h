#pragma once
/// The GPUs of this machine as the NVIDIA driver lists them (the environment record).

#include <filesystem>
#include <string>
#include <vector>

namespace greenbatch {

/// The model of every GPU the NVIDIA driver lists under `<proc_root>/driver/nvidia/gpus/*/information`
/// ("Model: NVIDIA H200"), in bus-id order; empty when there is no NVIDIA driver.
std::vector<std::string> nvidia_gpu_models(const std::filesystem::path& proc_root);

}  // namespace greenbatch
