// A fake NVML shared library for the nvml meter tests, scripted by environment variables.
//
// Read at nvmlInit_v2 (which also resets every call count):
//   FAKE_NVML_INIT_FAIL=1      nvmlInit_v2 fails with NVML_ERROR_DRIVER_NOT_LOADED ("Driver Not Loaded")
//   FAKE_NVML_DEVICES=N        N devices (default 1), UUIDs "GPU-fake-<i>", names "Fake GPU <i>"
//   FAKE_NVML_MODE=counter     the energy calls return the values, the power calls are not supported
//   FAKE_NVML_MODE=power       the power calls return the values, the energy calls are not supported
//   FAKE_NVML_MODE=none        neither is supported
//   FAKE_NVML_VALUES=v1,v2,... successive values (mJ or mW) of device 0; device i returns v * (i + 1).
//                              Each device has its own position; past the last value the call fails
//                              with NVML_ERROR_GPU_IS_LOST ("GPU is lost").
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using nvmlReturn_t = int;

// A fake device; NVML's opaque handle points at one.
struct nvmlDevice_st {
  unsigned index = 0;
  std::size_t calls = 0;  // values consumed so far
};
using nvmlDevice_t = nvmlDevice_st*;

namespace {

constexpr nvmlReturn_t kSuccess = 0;
constexpr nvmlReturn_t kInvalidArgument = 2;
constexpr nvmlReturn_t kNotSupported = 3;
constexpr nvmlReturn_t kNotFound = 6;
constexpr nvmlReturn_t kDriverNotLoaded = 9;
constexpr nvmlReturn_t kGpuIsLost = 15;

struct State {
  std::string mode = "counter";
  std::vector<unsigned long long> values;
  std::vector<nvmlDevice_st> devices;
};

State& state() {
  static State instance;
  return instance;
}

std::string environment(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : fallback;
}

// The next scripted value of `device` for calls in `mode`.
nvmlReturn_t next_value(nvmlDevice_t device, const char* mode, unsigned long long& value) {
  const State& fake = state();
  if (fake.mode != mode) return kNotSupported;
  if (device->calls >= fake.values.size()) return kGpuIsLost;
  value = fake.values[device->calls++] * (device->index + 1);
  return kSuccess;
}

}  // namespace

extern "C" {

nvmlReturn_t nvmlInit_v2() {
  if (environment("FAKE_NVML_INIT_FAIL", "0") == "1") return kDriverNotLoaded;
  State& fake = state();
  fake.mode = environment("FAKE_NVML_MODE", "counter");
  fake.values.clear();
  const std::string values = environment("FAKE_NVML_VALUES", "");
  for (std::size_t begin = 0; begin < values.size();) {
    std::size_t end = values.find(',', begin);
    if (end == std::string::npos) end = values.size();
    fake.values.push_back(std::stoull(values.substr(begin, end - begin)));
    begin = end + 1;
  }
  fake.devices.assign(std::stoul(environment("FAKE_NVML_DEVICES", "1")), nvmlDevice_st{});
  for (unsigned i = 0; i < fake.devices.size(); ++i) fake.devices[i].index = i;
  return kSuccess;
}

nvmlReturn_t nvmlShutdown() { return kSuccess; }

const char* nvmlErrorString(nvmlReturn_t result) {
  switch (result) {
    case kSuccess: return "Success";
    case kInvalidArgument: return "Invalid Argument";
    case kNotSupported: return "Not Supported";
    case kNotFound: return "Not Found";
    case kDriverNotLoaded: return "Driver Not Loaded";
    case kGpuIsLost: return "GPU is lost";
    default: return "Unknown Error";
  }
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int* deviceCount) {
  *deviceCount = static_cast<unsigned>(state().devices.size());
  return kSuccess;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t* device) {
  if (index >= state().devices.size()) return kInvalidArgument;
  *device = &state().devices[index];
  return kSuccess;
}

nvmlReturn_t nvmlDeviceGetHandleByUUID(const char* uuid, nvmlDevice_t* device) {
  for (auto& candidate : state().devices) {
    if ("GPU-fake-" + std::to_string(candidate.index) == uuid) {
      *device = &candidate;
      return kSuccess;
    }
  }
  return kNotFound;
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char* name, unsigned int length) {
  std::snprintf(name, length, "Fake GPU %u", device->index);
  return kSuccess;
}

nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long* energy) {
  return next_value(device, "counter", *energy);
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int* power) {
  unsigned long long value = 0;
  const nvmlReturn_t result = next_value(device, "power", value);
  if (result == kSuccess) *power = static_cast<unsigned>(value);
  return result;
}

}  // extern "C"
