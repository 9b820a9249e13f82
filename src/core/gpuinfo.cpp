// The NVIDIA driver's list of GPUs under /proc.
#include "greenbatch/core/gpuinfo.h"

#include <algorithm>

#include "greenbatch/core/cpuinfo.h"

namespace greenbatch {

std::vector<std::string> nvidia_gpu_models(const std::filesystem::path& proc_root) {
  std::error_code error;
  std::vector<std::filesystem::path> gpus;
  for (const auto& entry : std::filesystem::directory_iterator(proc_root / "driver" / "nvidia" / "gpus", error)) {
    gpus.push_back(entry.path());
  }
  std::ranges::sort(gpus);  // directory names are PCI bus ids
  std::vector<std::string> models;
  for (const auto& gpu : gpus) {
    if (auto model = colon_field(gpu / "information", "Model")) models.push_back(std::move(*model));
  }
  return models;
}

}  // namespace greenbatch
