// Where the knobs live: the meters' roots and the state folder.
#include "greenbatch/knobs/knob_settings.h"

#include <cstdlib>

#include "greenbatch/energy/meter.h"

namespace greenbatch::knobs {

KnobOptions KnobOptions::from_environment() {
  const auto meters = energy::MeterOptions::from_environment();
  KnobOptions options{.sysfs_root = meters.sysfs_root, .nvml_library = meters.nvml_library, .state_dir = {}};
  const auto set = [](const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' ? value : nullptr;
  };
  if (const char* dir = set("GREENBATCH_KNOB_STATE_DIR")) {
    options.state_dir = dir;
  } else if (const char* xdg = set("XDG_STATE_HOME")) {
    options.state_dir = std::filesystem::path(xdg) / "greenbatch";
  } else if (const char* home = set("HOME")) {
    options.state_dir = std::filesystem::path(home) / ".local/state/greenbatch";
  } else {
    options.state_dir = "/var/tmp/greenbatch-knobs";
  }
  return options;
}

}  // namespace greenbatch::knobs
