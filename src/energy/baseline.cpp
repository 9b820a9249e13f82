// Idle baseline and the static/dynamic split of a window's energy.
#include "greenbatch/energy/baseline.h"

#include <fmt/format.h>

#include <chrono>
#include <thread>

namespace greenbatch::energy {

IdleBaseline baseline_from(const EnergyWindow& idle) {
  IdleBaseline baseline{idle.seconds, std::nullopt, idle.source, {}};
  if (idle.total_j && idle.seconds > 0.0) {
    baseline.power_w = *idle.total_j / idle.seconds;
  } else {
    baseline.detail = idle.detail.empty() ? "idle window had no energy" : idle.detail;
  }
  return baseline;
}

IdleBaseline measure_idle(Sampler& sampler, double seconds) {
  if (seconds <= 0.0) return IdleBaseline{0.0, std::nullopt, {}, "no idle baseline was measured"};
  const auto begin = sampler.mark();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  return baseline_from(sampler.window(begin, sampler.mark()));
}

EnergySplit split_energy(const EnergyWindow& work, const IdleBaseline& idle) {
  EnergySplit split{work.total_j, std::nullopt, std::nullopt};
  if (idle.power_w) {
    split.static_j = *idle.power_w * work.seconds;
    if (work.total_j) split.dynamic_j = *work.total_j - *split.static_j;
  }
  return split;
}

EnergyColumns energy_columns(const EnergyWindow& window, const IdleBaseline& idle) {
  EnergyColumns c{window.source, std::string(to_string(window.status)), split_energy(window, idle), idle.power_w,
                  window.avg_power_w, window.peak_power_w, {}};
  for (const auto& d : window.domains) {
    if (!d.joules) continue;
    if (!c.by_domain.empty()) c.by_domain += ';';
    c.by_domain += fmt::format("{}={:.6g}", d.name, *d.joules);
  }
  return c;
}

}  // namespace greenbatch::energy
