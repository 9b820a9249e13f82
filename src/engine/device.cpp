// Devices and the cores this process may use.
#include <sched.h>

#include <algorithm>

#include "greenbatch/core/error.h"
#include "greenbatch/core/number.h"
#include "greenbatch/engine/torch_backend.h"

namespace greenbatch::engine {

DeviceSpec parse_device(const std::string& text) {
  if (text == "cpu") return DeviceSpec{};
  if (text == "cuda") return DeviceSpec{true, 0};
  if (text.starts_with("cuda:")) {
    const auto index = to_integer(std::string_view(text).substr(5));
    if (index && *index >= 0 && *index < 1024) return DeviceSpec{true, static_cast<int>(*index)};
  }
  throw UsageError("--device '" + text + "': use cpu, cuda or cuda:N");
}

int available_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
  return std::max(1, CPU_COUNT(&set));
}

}  // namespace greenbatch::engine
