// libnvidia-ml loaded at run time and initialised.
#include "nvml_library.h"

namespace greenbatch::energy {

std::unique_ptr<NvmlLibrary> NvmlLibrary::open(const std::string& name, std::string& reason) {
  std::unique_ptr<NvmlLibrary> library(new NvmlLibrary());
  library->name_ = name;
  library->handle_ = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (library->handle_ == nullptr) {
    const char* error = dlerror();
    reason = fmt::format("NVML library {} not found (no NVIDIA driver installed?): {}; {}", name,
                         error != nullptr ? error : "dlopen failed", kNvmlLibraryFix);
    return nullptr;
  }
  nvmlReturn_t (*init)() = nullptr;
  if (!library->bind("nvmlInit_v2", init, reason) || !library->bind("nvmlShutdown", library->shutdown_, reason) ||
      !library->bind("nvmlErrorString", library->error_string_, reason)) {
    return nullptr;
  }
  const nvmlReturn_t status = init();
  if (status != kNvmlSuccess) {
    reason = fmt::format(
        "NVML ({}) failed to initialise: {}; check that the NVIDIA driver is loaded (nvidia-smi "
        "should list the GPUs)",
        name, library->error(status));
    return nullptr;
  }
  library->initialised_ = true;
  return library;
}

NvmlLibrary::~NvmlLibrary() {
  if (initialised_) shutdown_();
  if (handle_ != nullptr) dlclose(handle_);
}

std::string NvmlLibrary::error(nvmlReturn_t code) const {
  const char* text = error_string_(code);
  return text != nullptr ? text : fmt::format("NVML error {}", code);
}

}  // namespace greenbatch::energy
