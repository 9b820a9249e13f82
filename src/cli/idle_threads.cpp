// Re-executing with idle OpenMP and OpenBLAS threads waiting as engine::kThreadWaitSettings says, for the commands that
// run inference.
#include "idle_threads.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string_view>

#include "greenbatch/engine/torch_backend.h"

namespace greenbatch::cli {

void ensure_sleeping_idle_threads(int argc, char** argv) {
  constexpr std::array<std::string_view, 7> kInference{"classify", "profile",   "run",  "study",
                                                       "timeline", "recommend", "serve"};
  const bool all_set = std::all_of(engine::kThreadWaitSettings.begin(), engine::kThreadWaitSettings.end(),
                                   [](const auto& setting) { return std::getenv(setting.name) != nullptr; });
  if (argc < 2 || all_set) return;
  bool inference = false;
  for (const auto name : kInference) inference = inference || name == argv[1];
  if (!inference) return;
  for (const auto& [name, value] : engine::kThreadWaitSettings) setenv(name, value, 0);  // 0: keep the user's
  execv("/proc/self/exe", argv);  // only returns on failure: go on with the default policy
}

}  // namespace greenbatch::cli
