// Re-executing with OMP_WAIT_POLICY=PASSIVE for the commands that run inference.
#include "omp_wait_policy.h"

#include <unistd.h>

#include <array>
#include <cstdlib>
#include <string_view>

namespace greenbatch::cli {

void ensure_passive_omp_waiting(int argc, char** argv) {
  constexpr std::array<std::string_view, 6> kInference{"classify", "profile", "run", "study", "timeline", "recommend"};
  if (argc < 2 || std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  bool inference = false;
  for (const auto name : kInference) inference = inference || name == argv[1];
  if (!inference) return;
  setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  execv("/proc/self/exe", argv);  // only returns on failure: go on with the default policy
}

}  // namespace greenbatch::cli
