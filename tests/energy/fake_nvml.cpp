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
// The knobs (power limit 100..300 W, graphics clocks 210..1410 MHz at memory clock 1215 MHz):
//   FAKE_NVML_KNOBS=PATH       the devices' power limit (mW) and locked clocks (MHz, 0 when unlocked)
//                              as "limit min max" lines, one per device; read at nvmlInit_v2 (missing:
//                              250000 0 0) and rewritten by every setter, so that a later process
//                              (and the test) sees what an earlier one set
//   FAKE_NVML_SET_FAIL=1       the setters fail with NVML_ERROR_NO_PERMISSION
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

using nvmlReturn_t = int;

// A fake device; NVML's opaque handle points at one.
struct nvmlDevice_st {
  unsigned index = 0;
  std::size_t calls = 0;  // values consumed so far
  unsigned limit_mw = 250000;
  unsigned locked_min_mhz = 0;
  unsigned locked_max_mhz = 0;
};
using nvmlDevice_t = nvmlDevice_st*;

namespace {

constexpr nvmlReturn_t kSuccess = 0;
constexpr nvmlReturn_t kInvalidArgument = 2;
constexpr nvmlReturn_t kNotSupported = 3;
constexpr nvmlReturn_t kNoPermission = 4;
constexpr nvmlReturn_t kInsufficientSize = 7;
constexpr unsigned kMinLimitMw = 100000;
constexpr unsigned kMaxLimitMw = 300000;
constexpr unsigned kMemoryClocks[] = {1215, 405};
constexpr unsigned kGraphicsClocks[] = {1410, 1200, 810, 210};
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

void load_knobs() {
  std::ifstream in(environment("FAKE_NVML_KNOBS", ""));
  for (auto& device : state().devices) {
    if (!(in >> device.limit_mw >> device.locked_min_mhz >> device.locked_max_mhz)) return;
  }
}

nvmlReturn_t save_knobs() {
  if (environment("FAKE_NVML_SET_FAIL", "0") == "1") return kNoPermission;
  const std::string path = environment("FAKE_NVML_KNOBS", "");
  if (path.empty()) return kSuccess;
  std::ofstream out(path);
  for (const auto& device : state().devices) {
    out << device.limit_mw << ' ' << device.locked_min_mhz << ' ' << device.locked_max_mhz << '\n';
  }
  return kSuccess;
}

// Copies `values` into an NVML (count, array) pair.
template <std::size_t N>
nvmlReturn_t copy_clocks(const unsigned (&values)[N], unsigned* count, unsigned* clocks) {
  if (*count < N) {
    *count = N;
    return kInsufficientSize;
  }
  for (std::size_t i = 0; i < N; ++i) clocks[i] = values[i];
  *count = N;
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
  load_knobs();
  return kSuccess;
}

nvmlReturn_t nvmlShutdown() { return kSuccess; }

const char* nvmlErrorString(nvmlReturn_t result) {
  switch (result) {
    case kSuccess:
      return "Success";
    case kInvalidArgument:
      return "Invalid Argument";
    case kNotSupported:
      return "Not Supported";
    case kNoPermission:
      return "Insufficient Permissions";
    case kInsufficientSize:
      return "Insufficient Size";
    case kNotFound:
      return "Not Found";
    case kDriverNotLoaded:
      return "Driver Not Loaded";
    case kGpuIsLost:
      return "GPU is lost";
    default:
      return "Unknown Error";
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

nvmlReturn_t nvmlDeviceGetPowerManagementLimit(nvmlDevice_t device, unsigned int* limit) {
  *limit = device->limit_mw;
  return kSuccess;
}

nvmlReturn_t nvmlDeviceGetPowerManagementLimitConstraints(nvmlDevice_t, unsigned int* minLimit,
                                                          unsigned int* maxLimit) {
  *minLimit = kMinLimitMw;
  *maxLimit = kMaxLimitMw;
  return kSuccess;
}

nvmlReturn_t nvmlDeviceSetPowerManagementLimit(nvmlDevice_t device, unsigned int limit) {
  if (limit < kMinLimitMw || limit > kMaxLimitMw) return kInvalidArgument;
  const unsigned before = device->limit_mw;
  device->limit_mw = limit;
  const nvmlReturn_t result = save_knobs();
  if (result != kSuccess) device->limit_mw = before;
  return result;
}

nvmlReturn_t nvmlDeviceGetSupportedMemoryClocks(nvmlDevice_t, unsigned int* count, unsigned int* clocksMHz) {
  return copy_clocks(kMemoryClocks, count, clocksMHz);
}

nvmlReturn_t nvmlDeviceGetSupportedGraphicsClocks(nvmlDevice_t, unsigned int memoryClockMHz, unsigned int* count,
                                                  unsigned int* clocksMHz) {
  if (memoryClockMHz != kMemoryClocks[0]) return kNotSupported;
  return copy_clocks(kGraphicsClocks, count, clocksMHz);
}

nvmlReturn_t nvmlDeviceSetGpuLockedClocks(nvmlDevice_t device, unsigned int minGpuClockMHz,
                                          unsigned int maxGpuClockMHz) {
  const unsigned before_min = device->locked_min_mhz;
  const unsigned before_max = device->locked_max_mhz;
  device->locked_min_mhz = minGpuClockMHz;
  device->locked_max_mhz = maxGpuClockMHz;
  const nvmlReturn_t result = save_knobs();
  if (result != kSuccess) {
    device->locked_min_mhz = before_min;
    device->locked_max_mhz = before_max;
  }
  return result;
}

nvmlReturn_t nvmlDeviceResetGpuLockedClocks(nvmlDevice_t device) { return nvmlDeviceSetGpuLockedClocks(device, 0, 0); }

}  // extern "C"
