// The NVML meter: GPU energy through libnvidia-ml, loaded at run time with dlopen.
#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "meters.h"
#include "nvml_library.h"

namespace greenbatch::energy {
namespace {

constexpr nvmlReturn_t NVML_SUCCESS = kNvmlSuccess;
constexpr nvmlReturn_t NVML_ERROR_NOT_SUPPORTED = 3;
constexpr unsigned NVML_DEVICE_NAME_V2_BUFFER_SIZE = 96;

// The loaded library and the entry points the meter uses.
struct Nvml {
  std::unique_ptr<NvmlLibrary> library;
  nvmlReturn_t (*get_count)(unsigned*) = nullptr;
  nvmlReturn_t (*get_handle_by_index)(unsigned, nvmlDevice_t*) = nullptr;
  nvmlReturn_t (*get_handle_by_uuid)(const char*, nvmlDevice_t*) = nullptr;
  nvmlReturn_t (*get_name)(nvmlDevice_t, char*, unsigned) = nullptr;
  nvmlReturn_t (*get_total_energy)(nvmlDevice_t, unsigned long long*) = nullptr;  // mJ, Volta and later
  nvmlReturn_t (*get_power)(nvmlDevice_t, unsigned*) = nullptr;                   // mW

  [[nodiscard]] std::string error(nvmlReturn_t code) const { return library->error(code); }
};

// How a GPU's energy is measured.
enum class Method { counter, power };

// One measured GPU.
struct Gpu {
  nvmlDevice_t handle = nullptr;
  std::string label;  // "gpu-0 (NVIDIA A100, NVML device 0)", for messages
  Method method = Method::counter;
  unsigned long long first_mj = 0;  // counter: the value at open
  unsigned long long last_mj = 0;   // counter: the last value read
  double last_w = 0.0;              // power: the last power read
  double joules = 0.0;              // power: integrated so far
};

class NvmlMeter final : public Meter {
 public:
  NvmlMeter(std::unique_ptr<Nvml> nvml, std::vector<Gpu> gpus, std::vector<Domain> domains, std::string notes,
            MeterOptions options, double opened_s)
      : nvml_(std::move(nvml)),
        gpus_(std::move(gpus)),
        domains_(std::move(domains)),
        notes_(std::move(notes)),
        options_(std::move(options)),
        last_s_(opened_s) {}

  [[nodiscard]] std::string_view name() const override { return "nvml"; }
  [[nodiscard]] std::string_view source() const override { return "nvml"; }
  [[nodiscard]] const std::vector<Domain>& domains() const override { return domains_; }
  [[nodiscard]] std::string notes() const override { return notes_; }
  // NVML's energy counter and power readings refresh roughly every 20-100 ms depending on the GPU,
  // so windows shorter than 100 ms are flagged by the sampler, not reported.
  [[nodiscard]] double resolution_s() const override { return 0.1; }

  Reading read() override {
    Reading reading{options_.now_s(), {}};
    const double dt = reading.time_s - last_s_;
    for (Gpu& gpu : gpus_) {
      reading.joules.push_back(gpu.method == Method::counter ? read_counter(gpu) : integrate_power(gpu, dt));
    }
    last_s_ = reading.time_s;
    return reading;
  }

 private:
  double read_counter(Gpu& gpu) {
    unsigned long long mj = 0;
    const nvmlReturn_t status = nvml_->get_total_energy(gpu.handle, &mj);
    if (status != NVML_SUCCESS) {
      throw MeterFault(
          fmt::format("NVML: reading the energy counter of {} failed: {}", gpu.label, nvml_->error(status)));
    }
    if (mj < gpu.last_mj) {
      throw MeterFault(fmt::format("NVML: the energy counter of {} went back from {} to {} mJ (driver reloaded?)",
                                   gpu.label, gpu.last_mj, mj));
    }
    gpu.last_mj = mj;
    return static_cast<double>(mj - gpu.first_mj) / 1000.0;
  }

  // The trapezoid rule between the previous read (or the open) and this one.
  double integrate_power(Gpu& gpu, double dt) {
    unsigned mw = 0;
    const nvmlReturn_t status = nvml_->get_power(gpu.handle, &mw);
    if (status != NVML_SUCCESS) {
      throw MeterFault(fmt::format("NVML: reading the power of {} failed: {}", gpu.label, nvml_->error(status)));
    }
    const double watts = mw / 1000.0;
    gpu.joules += (gpu.last_w + watts) / 2.0 * dt;
    gpu.last_w = watts;
    return gpu.joules;
  }

  std::unique_ptr<Nvml> nvml_;
  std::vector<Gpu> gpus_;
  std::vector<Domain> domains_;
  std::string notes_;
  MeterOptions options_;
  double last_s_;
};

// A device CUDA makes visible, in CUDA order (its position is its CUDA index).
struct Candidate {
  std::string selector;           // "NVML device 1" or the UUID from CUDA_VISIBLE_DEVICES
  nvmlDevice_t handle = nullptr;  // null when NVML gave none
  std::string failure;            // why there is no handle
};

// The visible devices, or (for MIG entries) the reason there are none.
struct Visible {
  std::vector<Candidate> devices;
  std::string reason;
};

Candidate by_index(const Nvml& nvml, unsigned index) {
  Candidate candidate{fmt::format("NVML device {}", index), nullptr, {}};
  const nvmlReturn_t status = nvml.get_handle_by_index(index, &candidate.handle);
  if (status != NVML_SUCCESS) {
    candidate.handle = nullptr;
    candidate.failure = nvml.error(status);
  }
  return candidate;
}

// CUDA semantics: unset shows every device; otherwise a comma list of NVML indices or full
// "GPU-" UUIDs, and the list ends at the first invalid (or empty, or repeated) entry.
Visible visible_devices(const Nvml& nvml, unsigned count, const char* cuda_visible) {
  Visible visible;
  if (cuda_visible == nullptr) {
    for (unsigned index = 0; index < count; ++index) visible.devices.push_back(by_index(nvml, index));
    return visible;
  }
  const std::string list = cuda_visible;
  std::size_t begin = 0;
  while (true) {
    const std::size_t comma = list.find(',', begin);
    std::string entry = list.substr(begin, comma == std::string::npos ? std::string::npos : comma - begin);
    entry.erase(0, entry.find_first_not_of(' '));
    entry.erase(entry.find_last_not_of(' ') + 1);
    if (entry.starts_with("MIG-")) {
      visible.reason = fmt::format(
          "CUDA_VISIBLE_DEVICES selects the MIG instance {}: MIG instances are not supported by the nvml meter "
          "(NVML reports energy per whole GPU); list whole GPUs (indices or GPU- UUIDs) or use another meter",
          entry);
      return visible;
    }
    Candidate candidate;
    if (entry.starts_with("GPU-")) {
      nvmlDevice_t handle = nullptr;
      if (nvml.get_handle_by_uuid(entry.c_str(), &handle) != NVML_SUCCESS) break;
      candidate = Candidate{entry, handle, {}};
    } else {
      unsigned index = 0;
      const char* end = entry.data() + entry.size();
      const auto parsed = std::from_chars(entry.data(), end, index);
      if (entry.empty() || parsed.ec != std::errc{} || parsed.ptr != end || index >= count) break;
      candidate = by_index(nvml, index);
    }
    const bool repeated = std::ranges::any_of(visible.devices, [&](const Candidate& seen) {
      return seen.selector == candidate.selector || (candidate.handle != nullptr && seen.handle == candidate.handle);
    });
    if (repeated) break;
    visible.devices.push_back(std::move(candidate));
    if (comma == std::string::npos) break;
    begin = comma + 1;
  }
  return visible;
}

std::string device_name(const Nvml& nvml, nvmlDevice_t handle) {
  char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE] = {};
  if (nvml.get_name(handle, name, sizeof name) != NVML_SUCCESS) return "unknown GPU";
  return name;
}

}  // namespace

OpenResult open_nvml(const MeterOptions& options) {
  auto nvml = std::make_unique<Nvml>();
  std::string reason;
  nvml->library = NvmlLibrary::open(options.nvml_library, reason);
  if (!nvml->library) return {nullptr, reason};
  const auto& library = *nvml->library;
  const bool bound = library.bind("nvmlDeviceGetCount_v2", nvml->get_count, reason) &&
                     library.bind("nvmlDeviceGetHandleByIndex_v2", nvml->get_handle_by_index, reason) &&
                     library.bind("nvmlDeviceGetHandleByUUID", nvml->get_handle_by_uuid, reason) &&
                     library.bind("nvmlDeviceGetName", nvml->get_name, reason) &&
                     library.bind("nvmlDeviceGetTotalEnergyConsumption", nvml->get_total_energy, reason) &&
                     library.bind("nvmlDeviceGetPowerUsage", nvml->get_power, reason);
  if (!bound) return {nullptr, reason};
  unsigned count = 0;
  const nvmlReturn_t count_status = nvml->get_count(&count);
  if (count_status != NVML_SUCCESS) {
    return {nullptr, fmt::format("NVML cannot count the GPUs: {}; check nvidia-smi", nvml->error(count_status))};
  }

  const char* cuda_visible = std::getenv("CUDA_VISIBLE_DEVICES");
  Visible visible = visible_devices(*nvml, count, cuda_visible);
  if (!visible.reason.empty()) return {nullptr, visible.reason};
  if (visible.devices.empty()) {
    if (cuda_visible == nullptr) return {nullptr, "no visible GPU: NVML reports no NVIDIA GPU; check nvidia-smi"};
    return {nullptr, fmt::format("no visible GPU: CUDA_VISIBLE_DEVICES=\"{}\" selects none of the {} GPUs NVML "
                                 "reports; unset it, or list GPU indices or GPU- UUIDs (nvidia-smi -L)",
                                 cuda_visible, count)};
  }

  const double opened_s = options.now_s();
  std::vector<Gpu> gpus;
  std::vector<Domain> domains;
  std::vector<std::string> notes;
  for (std::size_t cuda_index = 0; cuda_index < visible.devices.size(); ++cuda_index) {
    const Candidate& candidate = visible.devices[cuda_index];
    const std::string domain_name = fmt::format("gpu-{}", cuda_index);
    if (candidate.handle == nullptr) {
      notes.push_back(
          fmt::format("{} ({}) skipped: no NVML handle: {}", domain_name, candidate.selector, candidate.failure));
      continue;
    }
    Gpu gpu;
    gpu.handle = candidate.handle;
    gpu.label = fmt::format("{} ({}, {})", domain_name, device_name(*nvml, candidate.handle), candidate.selector);
    // The energy counter when the GPU has one (Volta and later); otherwise the power, integrated.
    const nvmlReturn_t energy_status = nvml->get_total_energy(gpu.handle, &gpu.first_mj);
    if (energy_status == NVML_SUCCESS) {
      gpu.last_mj = gpu.first_mj;
      notes.push_back(fmt::format("{}: energy counter (nvmlDeviceGetTotalEnergyConsumption)", gpu.label));
    } else if (energy_status != NVML_ERROR_NOT_SUPPORTED) {
      notes.push_back(fmt::format("{} skipped: energy counter: {}", gpu.label, nvml->error(energy_status)));
      continue;
    } else {
      unsigned mw = 0;
      const nvmlReturn_t power_status = nvml->get_power(gpu.handle, &mw);
      if (power_status != NVML_SUCCESS) {
        notes.push_back(fmt::format("{} skipped: energy counter: {}; power: {}", gpu.label, nvml->error(energy_status),
                                    nvml->error(power_status)));
        continue;
      }
      gpu.method = Method::power;
      gpu.last_w = mw / 1000.0;
      notes.push_back(
          fmt::format("{}: power polled at each read, integrated with the trapezoid rule "
                      "(energy counter: {})",
                      gpu.label, nvml->error(energy_status)));
    }
    gpus.push_back(std::move(gpu));
    domains.push_back(Domain{domain_name, DomainKind::gpu, true});
  }

  std::string joined;
  for (const auto& note : notes) (joined += joined.empty() ? "" : "; ") += note;
  if (gpus.empty()) {
    return {nullptr, fmt::format("no visible GPU reports energy or power through NVML (the energy counter needs "
                                 "a Volta or newer GPU): {}",
                                 joined)};
  }
  return {std::make_unique<NvmlMeter>(std::move(nvml), std::move(gpus), std::move(domains), std::move(joined), options,
                                      opened_s),
          {}};
}

}  // namespace greenbatch::energy
