// `greenbatch knobs`: every power knob, available or not and why, its value and allowed range.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>

#include "commands.h"
#include "greenbatch/knobs/knob_probe.h"

namespace greenbatch::cli {
namespace {

nlohmann::ordered_json to_json(const std::vector<knobs::KnobProbe>& probes, const knobs::KnobOptions& options) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& p : probes) {
    const auto when_available = [&](const auto& value) {
      return p.available ? nlohmann::ordered_json(value) : nlohmann::ordered_json();
    };
    list.push_back(
        {{"flag", p.name},
         {"study_factor", p.study_factor.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(p.study_factor)},
         {"unit", p.unit},
         {"available", p.available},
         {"reason", p.available ? nlohmann::ordered_json() : nlohmann::ordered_json(p.reason)},
         {"current", when_available(p.current)},
         {"min", when_available(p.min)},
         {"max", when_available(p.max)}});
  }
  return {{"knobs", list},
          {"roots", {{"sysfs", options.sysfs_root.string()}, {"nvml_library", options.nvml_library}}},
          {"state_dir", options.state_dir.string()}};
}

void print_text(const std::vector<knobs::KnobProbe>& probes) {
  for (const auto& p : probes) {
    if (p.available) {
      fmt::print("{:<17} available   now {}; allowed {}..{} {}\n", p.name, p.current, p.min, p.max, p.unit);
    } else {
      fmt::print("{:<17} unavailable {}\n", p.name, p.reason);
    }
  }
}

}  // namespace

void add_knobs_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "knobs", "List the power knobs (CPU frequency cap, GPU power limit and clocks): available or not and why");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "print JSON");
  cmd->callback([json] {
    const auto options = knobs::KnobOptions::from_environment();
    const auto probes = knobs::probe_knobs(options);
    if (*json) {
      std::cout << to_json(probes, options).dump(2) << "\n";
    } else {
      print_text(probes);
    }
  });
}

}  // namespace greenbatch::cli
