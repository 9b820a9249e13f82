// Measuring the idle baseline.
#include "greenbatch/energy/baseline.h"

#include <chrono>
#include <thread>

namespace greenbatch::energy {

IdleBaseline measure_idle(Sampler& sampler, double seconds) {
  if (seconds <= 0.0) return IdleBaseline{0.0, std::nullopt, {}, "no idle baseline was measured"};
  const auto begin = sampler.mark();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  return baseline_from(sampler.window(begin, sampler.mark()));
}

}  // namespace greenbatch::energy
