// Re-executing with idle OpenMP and OpenBLAS threads sleeping, for the commands that run inference.
#include "idle_threads.h"

#include <unistd.h>

#include <array>
#include <cstdlib>
#include <string_view>

namespace greenbatch::cli {

void ensure_sleeping_idle_threads(int argc, char** argv) {
  constexpr std::array<std::string_view, 7> kInference{"classify", "profile",   "run",  "study",
                                                       "timeline", "recommend", "serve"};
  if (argc < 2 || (std::getenv("OMP_WAIT_POLICY") != nullptr && std::getenv("OPENBLAS_THREAD_TIMEOUT") != nullptr)) {
    return;
  }
  bool inference = false;
  for (const auto name : kInference) inference = inference || name == argv[1];
  if (!inference) return;
  setenv("OMP_WAIT_POLICY", "PASSIVE", 0);  // 0: keep what the user set
  setenv("OPENBLAS_THREAD_TIMEOUT", "4", 0);
  execv("/proc/self/exe", argv);  // only returns on failure: go on with the default policy
}

}  // namespace greenbatch::cli
