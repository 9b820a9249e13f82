// Reading fields of /proc/cpuinfo.
#include "greenbatch/core/cpuinfo.h"

#include <fstream>

namespace greenbatch {

std::optional<std::string> colon_field(const std::filesystem::path& file, std::string_view key) {
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string_view name(line.data(), colon);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    if (name != key) continue;
    const auto start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? std::string() : line.substr(start);
  }
  return std::nullopt;
}

std::optional<std::string> cpuinfo_field(const std::filesystem::path& proc_root, std::string_view key) {
  return colon_field(proc_root / "cpuinfo", key);
}

}  // namespace greenbatch
