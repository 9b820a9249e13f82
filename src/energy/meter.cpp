// Meter options from the environment and the meter clock.
#include "greenbatch/energy/meter.h"

#include <chrono>
#include <cstdlib>
#include <string>

#include "greenbatch/core/number.h"

namespace greenbatch::energy {
namespace {

std::optional<double> watts_from_environment(const char* variable) {
  const char* text = std::getenv(variable);
  if (text == nullptr || *text == '\0') return std::nullopt;
  return parse_real(text, std::string(variable) + " (a power in watts, such as 35)", NumberRange::at_least(0.0));
}

}  // namespace

MeterOptions MeterOptions::from_environment() {
  MeterOptions options;
  if (const char* root = std::getenv("GREENBATCH_SYSFS_ROOT")) options.sysfs_root = root;
  if (const char* root = std::getenv("GREENBATCH_DEV_ROOT")) options.dev_root = root;
  if (const char* root = std::getenv("GREENBATCH_PROC_ROOT")) options.proc_root = root;
  if (const char* library = std::getenv("GREENBATCH_NVML_LIBRARY")) options.nvml_library = library;
  options.estimate_idle_w = watts_from_environment("GREENBATCH_ESTIMATE_IDLE_W");
  options.estimate_max_w = watts_from_environment("GREENBATCH_ESTIMATE_MAX_W");
  return options;
}

double MeterOptions::now_s() const {
  if (clock) return clock();
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace greenbatch::energy
