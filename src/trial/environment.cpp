// The measurement environment of a trial.
#include "greenbatch/trial/environment.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <array>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "greenbatch/core/cpuinfo.h"
#include "greenbatch/core/gpuinfo.h"

namespace greenbatch::trial {
std::string host_name() {
  std::array<char, 256> host{};
  gethostname(host.data(), host.size() - 1);
  return host.data();
}

std::string environment_json(const engine::BackendInfo& backend, const energy::Sampler& sampler) {
  utsname uts{};
  uname(&uts);
  nlohmann::ordered_json meters = nlohmann::ordered_json::array();
  for (const auto& d : sampler.domains()) meters.push_back({{"domain", d.name}, {"source", d.source}});
  const nlohmann::ordered_json env{
      {"host", host_name()},
      {"kernel", fmt::format("{} {}", uts.sysname, uts.release)},
      {"cpu", cpuinfo_field("/proc", "model name").value_or("unknown")},
      {"logical_cpus", sysconf(_SC_NPROCESSORS_ONLN)},
      {"gpus", nvidia_gpu_models("/proc")},
      {"backend",
       {{"kind", backend.kind},
        {"model", backend.model},
        {"device", backend.device},
        {"threads", backend.threads},
        {"library", backend.library},
        {"library_version", backend.library_version},
        {"weights", backend.weights},
        {"precision", backend.precision},
        {"optimized", backend.optimized}}},
      {"meters", sampler.meter_names()},
      {"energy_domains", meters},
      {"greenbatch_version", GREENBATCH_VERSION},
      {"git_commit", GREENBATCH_GIT_COMMIT},
  };
  return env.dump();
}

}  // namespace greenbatch::trial
