// The original knob values on disk, and their restoration.
#include "greenbatch/knobs/knob_state.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <memory>
#include <ranges>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cpu_frequency.h"
#include "greenbatch/core/error.h"
#include "nvml_knobs.h"

namespace greenbatch::knobs {
namespace {

constexpr const char* kPrefix = "knobs-";

const char* kind_name(Original::Kind kind) {
  switch (kind) {
    case Original::Kind::cpu_max_freq:
      return "cpu_max_freq";
    case Original::Kind::gpu_power_limit:
      return "gpu_power_limit";
    case Original::Kind::gpu_clocks:
      return "gpu_clocks";
  }
  return "unknown";
}

Original::Kind kind_of(const std::string& name) {
  if (name == "cpu_max_freq") return Original::Kind::cpu_max_freq;
  if (name == "gpu_power_limit") return Original::Kind::gpu_power_limit;
  if (name == "gpu_clocks") return Original::Kind::gpu_clocks;
  throw InputError(fmt::format("unknown knob '{}'", name));
}

std::string describe(const Original& original) {
  switch (original.kind) {
    case Original::Kind::cpu_max_freq:
      return fmt::format("{} = {} kHz", original.target, original.value);
    case Original::Kind::gpu_power_limit:
      return fmt::format("power limit of NVML device {} = {} mW", original.target, original.value);
    case Original::Kind::gpu_clocks:
      return fmt::format("clocks of NVML device {} unlocked", original.target);
  }
  return {};
}

std::vector<Original> read_state(const std::filesystem::path& file, long& pid) {
  std::ifstream in(file);
  const auto json = nlohmann::json::parse(in);
  pid = json.at("pid").get<long>();
  std::vector<Original> originals;
  for (const auto& entry : json.at("originals")) {
    originals.push_back(Original{kind_of(entry.at("knob").get<std::string>()), entry.at("target").get<std::string>(),
                                 entry.at("value").get<std::uint64_t>()});
  }
  return originals;
}

bool running(long pid) { return pid == getpid() || kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM; }

}  // namespace

std::filesystem::path state_file(const KnobOptions& options, long pid) {
  return options.state_dir / fmt::format("{}{}.json", kPrefix, pid);
}

void record_originals(const KnobOptions& options, const std::vector<Original>& originals) {
  const auto file = state_file(options, getpid());
  std::error_code error;
  if (originals.empty()) {
    std::filesystem::remove(file, error);
    return;
  }
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& o : originals)
    entries.push_back({{"knob", kind_name(o.kind)}, {"target", o.target}, {"value", o.value}});
  const nlohmann::json json = {{"pid", getpid()}, {"originals", entries}};
  std::filesystem::create_directories(options.state_dir, error);
  const auto temporary = std::filesystem::path(file).concat(".tmp");
  {
    std::ofstream out(temporary);
    out << json.dump(2) << '\n';
    out.flush();
    if (!out) {
      throw UnsupportedError(
          fmt::format("cannot record the original knob values in {}; make {} writable or set "
                      "GREENBATCH_KNOB_STATE_DIR to a writable folder",
                      temporary.string(), options.state_dir.string()));
    }
  }
  std::filesystem::rename(temporary, file, error);
  if (error) {
    throw UnsupportedError(
        fmt::format("cannot record the original knob values in {}: {}; set "
                    "GREENBATCH_KNOB_STATE_DIR to a writable folder",
                    file.string(), error.message()));
  }
}

std::vector<std::string> restore_originals(const KnobOptions& options, const std::vector<Original>& originals) {
  std::vector<std::string> failures;
  std::unique_ptr<NvmlKnobs> nvml;
  for (const auto& original : std::views::reverse(originals)) {
    try {
      if (original.kind == Original::Kind::cpu_max_freq) {
        write_cap(original.target, original.value);
        continue;
      }
      if (!nvml) {
        std::string reason;
        nvml = NvmlKnobs::open(options.nvml_library, reason);
        if (!nvml) throw UnsupportedError(reason);
      }
      const auto gpu = static_cast<unsigned>(std::stoul(original.target));
      if (original.kind == Original::Kind::gpu_power_limit) {
        nvml->set_power_limit_mw(gpu, static_cast<unsigned>(original.value));
      } else {
        nvml->reset_clocks(gpu);
      }
    } catch (const std::exception& e) {
      failures.push_back(fmt::format("could not restore {}: {}", describe(original), e.what()));
    }
  }
  return failures;
}

std::vector<std::string> restore_left_over(const KnobOptions& options) {
  std::vector<std::string> said;
  std::error_code error;
  if (!std::filesystem::is_directory(options.state_dir, error)) return said;
  for (const auto& entry : std::filesystem::directory_iterator(options.state_dir, error)) {
    const auto name = entry.path().filename().string();
    if (!name.starts_with(kPrefix) || entry.path().extension() != ".json") continue;
    try {
      long pid = 0;
      const auto originals = read_state(entry.path(), pid);
      if (running(pid)) continue;
      const auto failures = restore_originals(options, originals);
      for (const auto& failure : failures) {
        said.push_back(
            fmt::format("knobs left set by process {} (which ended without restoring them): {}; kept {} "
                        "to try again at the next start",
                        pid, failure, entry.path().string()));
      }
      if (!failures.empty()) continue;
      std::filesystem::remove(entry.path(), error);
      for (const auto& original : originals) {
        said.push_back(fmt::format("restored {} (left set by process {}, which ended without restoring it)",
                                   describe(original), pid));
      }
    } catch (const std::exception& e) {
      said.push_back(fmt::format("cannot read the knob state file {}: {}; restore the knobs by hand and delete it",
                                 entry.path().string(), e.what()));
    }
  }
  return said;
}

}  // namespace greenbatch::knobs
