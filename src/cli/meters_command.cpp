// `greenbatch meters`: every meter kind, available or not and why, and what `--meter auto` picks.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>

#include "commands.h"
#include "greenbatch/energy/meter_registry.h"

namespace greenbatch::cli {
namespace {

nlohmann::ordered_json to_json(const std::vector<energy::Probe>& probes, const energy::MeterOptions& options) {
  nlohmann::ordered_json meters = nlohmann::ordered_json::array();
  for (const auto& p : probes) {
    nlohmann::ordered_json domains = nlohmann::ordered_json::array();
    for (const auto& d : p.domains) {
      domains.push_back({{"name", d.name}, {"kind", energy::to_string(d.kind)}, {"in_total", d.in_total}});
    }
    meters.push_back({{"name", p.name},
                      {"covers", p.covers},
                      {"available", p.available},
                      {"source", p.available ? nlohmann::ordered_json(p.source) : nlohmann::ordered_json()},
                      {"reason", p.available ? nlohmann::ordered_json() : nlohmann::ordered_json(p.reason)},
                      {"notes", p.notes},
                      {"domains", domains}});
  }
  return {{"meters", meters},
          {"auto", energy::auto_selection(probes)},
          {"roots",
           {{"sysfs", options.sysfs_root.string()},
            {"dev", options.dev_root.string()},
            {"proc", options.proc_root.string()},
            {"nvml_library", options.nvml_library}}}};
}

void print_text(const std::vector<energy::Probe>& probes) {
  for (const auto& p : probes) {
    if (p.available) {
      std::string domains;
      for (const auto& d : p.domains) (domains += domains.empty() ? "" : ", ") += d.name;
      fmt::print("{:<9} available   {} [{}]\n", p.name,
                 p.source == "estimate" ? "estimate (not a measurement)" : p.source, domains);
      if (!p.notes.empty()) fmt::print("{:<9}             {}\n", "", p.notes);
    } else {
      fmt::print("{:<9} unavailable {}\n", p.name, p.reason);
    }
  }
  std::string chosen;
  for (const auto& name : energy::auto_selection(probes)) (chosen += chosen.empty() ? "" : ",") += name;
  fmt::print("\n--meter auto uses: {}\n", chosen);
}

}  // namespace

void add_meters_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("meters",
                                 "List the energy meters: available or not and why, and which one --meter auto picks");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "print JSON");
  cmd->callback([json] {
    const auto options = energy::MeterOptions::from_environment();
    const auto probes = energy::probe_meters(options);
    if (*json) {
      std::cout << to_json(probes, options).dump(2) << "\n";
    } else {
      print_text(probes);
    }
  });
}

}  // namespace greenbatch::cli
