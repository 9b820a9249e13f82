#pragma once
// Internal: libnvidia-ml loaded at run time with dlopen and initialised, shared by the nvml meter
// and the GPU knobs. greenbatch needs no NVML headers and no link-time dependency on NVML, so it
// starts on machines without an NVIDIA driver.

#include <dlfcn.h>

#include <memory>
#include <string>

#include <fmt/format.h>

namespace greenbatch::energy {

// The few NVML types used, declared here.
using nvmlReturn_t = int;
struct nvmlDevice_st;
using nvmlDevice_t = nvmlDevice_st*;
inline constexpr nvmlReturn_t kNvmlSuccess = 0;

// The fix for a missing or broken NVML library.
inline constexpr const char* kNvmlLibraryFix =
    "install the NVIDIA driver, or set GREENBATCH_NVML_LIBRARY to the path of libnvidia-ml.so.1";

// A loaded and initialised NVML; shut down and unloaded when destroyed. Not thread-safe.
class NvmlLibrary {
 public:
  // Loads `name` (a name or a path), binds the init/shutdown/error entry points and initialises
  // NVML; null with `reason` (naming the library and the fix) when any step fails.
  static std::unique_ptr<NvmlLibrary> open(const std::string& name, std::string& reason);
  ~NvmlLibrary();
  NvmlLibrary(const NvmlLibrary&) = delete;
  NvmlLibrary& operator=(const NvmlLibrary&) = delete;

  // Looks up `symbol` into `function`; on failure sets `reason` (which symbol, the fix).
  template <typename Function>
  bool bind(const char* symbol, Function& function, std::string& reason) const {
    function = reinterpret_cast<Function>(dlsym(handle_, symbol));
    if (function != nullptr) return true;
    const char* error = dlerror();
    reason = fmt::format("NVML library {} lacks {} (driver too old?): {}; {}", name_, symbol,
                         error != nullptr ? error : "symbol is null", kNvmlLibraryFix);
    return false;
  }

  // NVML's text for `code` ("Insufficient Permissions").
  [[nodiscard]] std::string error(nvmlReturn_t code) const;

 private:
  NvmlLibrary() = default;
  std::string name_;
  void* handle_ = nullptr;
  bool initialised_ = false;
  nvmlReturn_t (*shutdown_)() = nullptr;
  const char* (*error_string_)(nvmlReturn_t) = nullptr;
};

}  // namespace greenbatch::energy
