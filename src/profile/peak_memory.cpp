// Peak resident memory from /proc.
#include "peak_memory.h"

#include <fstream>
#include <sstream>
#include <string>

namespace greenbatch::profile {

bool reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

std::optional<std::int64_t> peak_rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("VmHWM:")) {
      std::istringstream fields(line.substr(6));
      std::int64_t kib = 0;
      if (fields >> kib) return kib;
    }
  }
  return std::nullopt;
}

}  // namespace greenbatch::profile
