// The GPU power limit and locked clocks through NVML, loaded at run time with dlopen.
#include "nvml_knobs.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "energy/nvml_library.h"
#include "greenbatch/core/error.h"

namespace greenbatch::knobs {
namespace {

using energy::nvmlDevice_t;
using energy::nvmlReturn_t;
constexpr nvmlReturn_t NVML_SUCCESS = energy::kNvmlSuccess;
constexpr unsigned kMaxClocks = 512;

constexpr const char* kSetFix = "setting GPU limits needs root (run greenbatch as root) and a GPU that supports it";

}  // namespace

struct NvmlKnobs::Library {
  std::unique_ptr<energy::NvmlLibrary> nvml;
  nvmlReturn_t (*get_count)(unsigned*) = nullptr;
  nvmlReturn_t (*get_handle)(unsigned, nvmlDevice_t*) = nullptr;
  nvmlReturn_t (*get_limit)(nvmlDevice_t, unsigned*) = nullptr;
  nvmlReturn_t (*get_limit_range)(nvmlDevice_t, unsigned*, unsigned*) = nullptr;
  nvmlReturn_t (*set_limit)(nvmlDevice_t, unsigned) = nullptr;
  nvmlReturn_t (*get_memory_clocks)(nvmlDevice_t, unsigned*, unsigned*) = nullptr;
  nvmlReturn_t (*get_graphics_clocks)(nvmlDevice_t, unsigned, unsigned*, unsigned*) = nullptr;
  nvmlReturn_t (*lock_clocks)(nvmlDevice_t, unsigned, unsigned) = nullptr;
  nvmlReturn_t (*reset_clocks)(nvmlDevice_t) = nullptr;

  [[nodiscard]] std::string error(nvmlReturn_t code) const { return nvml->error(code); }
  [[nodiscard]] nvmlDevice_t device(unsigned gpu) const {
    nvmlDevice_t device = nullptr;
    const nvmlReturn_t status = get_handle(gpu, &device);
    if (status != NVML_SUCCESS)
      throw UnsupportedError(fmt::format("NVML device {}: no handle: {}", gpu, error(status)));
    return device;
  }

  // Throws UnsupportedError saying what failed on which GPU, with `fix`.
  void check(nvmlReturn_t status, unsigned gpu, const char* what, const char* fix) const {
    if (status != NVML_SUCCESS) {
      throw UnsupportedError(fmt::format("NVML device {}: {} failed: {}; {}", gpu, what, error(status), fix));
    }
  }
};

std::unique_ptr<NvmlKnobs> NvmlKnobs::open(const std::string& library, std::string& reason) {
  auto lib = std::make_unique<Library>();
  lib->nvml = energy::NvmlLibrary::open(library, reason);
  if (!lib->nvml) return nullptr;
  const auto& nvml = *lib->nvml;
  const bool bound = nvml.bind("nvmlDeviceGetCount_v2", lib->get_count, reason) &&
                     nvml.bind("nvmlDeviceGetHandleByIndex_v2", lib->get_handle, reason) &&
                     nvml.bind("nvmlDeviceGetPowerManagementLimit", lib->get_limit, reason) &&
                     nvml.bind("nvmlDeviceGetPowerManagementLimitConstraints", lib->get_limit_range, reason) &&
                     nvml.bind("nvmlDeviceSetPowerManagementLimit", lib->set_limit, reason) &&
                     nvml.bind("nvmlDeviceGetSupportedMemoryClocks", lib->get_memory_clocks, reason) &&
                     nvml.bind("nvmlDeviceGetSupportedGraphicsClocks", lib->get_graphics_clocks, reason) &&
                     nvml.bind("nvmlDeviceSetGpuLockedClocks", lib->lock_clocks, reason) &&
                     nvml.bind("nvmlDeviceResetGpuLockedClocks", lib->reset_clocks, reason);
  if (!bound) return nullptr;
  return std::unique_ptr<NvmlKnobs>(new NvmlKnobs(std::move(lib)));
}

NvmlKnobs::NvmlKnobs(std::unique_ptr<Library> library) : library_(std::move(library)) {}
NvmlKnobs::~NvmlKnobs() = default;

unsigned NvmlKnobs::count() const {
  unsigned count = 0;
  return library_->get_count(&count) == NVML_SUCCESS ? count : 0;
}

unsigned NvmlKnobs::power_limit_mw(unsigned gpu) const {
  unsigned mw = 0;
  library_->check(library_->get_limit(library_->device(gpu), &mw), gpu, "reading the power limit",
                  "this GPU may not support power management");
  return mw;
}

Range NvmlKnobs::power_limit_range_mw(unsigned gpu) const {
  Range range;
  library_->check(library_->get_limit_range(library_->device(gpu), &range.min, &range.max), gpu,
                  "reading the allowed power limits", "this GPU may not support power management");
  return range;
}

void NvmlKnobs::set_power_limit_mw(unsigned gpu, unsigned mw) const {
  library_->check(library_->set_limit(library_->device(gpu), mw), gpu,
                  fmt::format("setting the power limit to {} mW", mw).c_str(), kSetFix);
}

Range NvmlKnobs::clock_range_mhz(unsigned gpu) const {
  const nvmlDevice_t device = library_->device(gpu);
  std::array<unsigned, kMaxClocks> memory{};
  unsigned memory_count = kMaxClocks;
  library_->check(library_->get_memory_clocks(device, &memory_count, memory.data()), gpu,
                  "reading the supported memory clocks", "this GPU may not support clock locking");
  if (memory_count == 0) throw UnsupportedError(fmt::format("NVML device {} reports no supported clocks", gpu));
  const unsigned highest_memory = *std::max_element(memory.begin(), memory.begin() + memory_count);
  std::array<unsigned, kMaxClocks> graphics{};
  unsigned graphics_count = kMaxClocks;
  library_->check(library_->get_graphics_clocks(device, highest_memory, &graphics_count, graphics.data()), gpu,
                  "reading the supported graphics clocks", "this GPU may not support clock locking");
  if (graphics_count == 0) throw UnsupportedError(fmt::format("NVML device {} reports no graphics clocks", gpu));
  const auto [low, high] = std::minmax_element(graphics.begin(), graphics.begin() + graphics_count);
  return Range{*low, *high};
}

void NvmlKnobs::lock_clocks_mhz(unsigned gpu, unsigned mhz) const {
  library_->check(library_->lock_clocks(library_->device(gpu), mhz, mhz), gpu,
                  fmt::format("locking the graphics clock at {} MHz", mhz).c_str(), kSetFix);
}

void NvmlKnobs::reset_clocks(unsigned gpu) const {
  library_->check(library_->reset_clocks(library_->device(gpu)), gpu, "resetting the locked clocks", kSetFix);
}

}  // namespace greenbatch::knobs
