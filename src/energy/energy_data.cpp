// Energy data: names of kinds and statuses, the idle baseline from a window, the static/dynamic split.
#include "greenbatch/energy/energy_data.h"

#include <fmt/format.h>

namespace greenbatch::energy {

std::string_view to_string(DomainKind kind) {
  switch (kind) {
    case DomainKind::package:
      return "package";
    case DomainKind::cores:
      return "cores";
    case DomainKind::uncore:
      return "uncore";
    case DomainKind::dram:
      return "dram";
    case DomainKind::psys:
      return "psys";
    case DomainKind::gpu:
      return "gpu";
  }
  return "unknown";
}

std::string_view to_string(WindowStatus status) {
  switch (status) {
    case WindowStatus::ok:
      return "ok";
    case WindowStatus::short_window:
      return "short_window";
    case WindowStatus::meter_failed:
      return "meter_failed";
    case WindowStatus::no_meter:
      return "no_meter";
  }
  return "unknown";
}

IdleBaseline baseline_from(const EnergyWindow& idle) {
  IdleBaseline baseline{idle.seconds, std::nullopt, idle.source, {}};
  if (idle.total_j && idle.seconds > 0.0) {
    baseline.power_w = *idle.total_j / idle.seconds;
  } else {
    baseline.detail = idle.detail.empty() ? "idle window had no energy" : idle.detail;
  }
  return baseline;
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
  EnergyColumns c{window.source,
                  std::string(to_string(window.status)),
                  split_energy(window, idle),
                  idle.power_w,
                  window.avg_power_w,
                  window.peak_power_w,
                  {}};
  for (const auto& d : window.domains) {
    if (!d.joules) continue;
    if (!c.by_domain.empty()) c.by_domain += ';';
    c.by_domain += fmt::format("{}={:.6g}", d.name, *d.joules);
  }
  return c;
}

}  // namespace greenbatch::energy
