// The meter kinds, probing them, and resolving `--meter`.
#include "greenbatch/energy/meter_registry.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "greenbatch/core/error.h"
#include "greenbatch/core/text.h"
#include "meters.h"

namespace greenbatch::energy {
namespace {

constexpr std::array<MeterKind, 5> kKinds{{
    {"rapl", "cpu", true, "RAPL counters through powercap sysfs (Intel and AMD)", open_rapl_powercap},
    {"perf", "cpu", true, "RAPL counters through the perf_event power PMU", open_perf_power},
    {"rapl-msr", "cpu", true, "RAPL counters read from /dev/cpu/N/msr", open_rapl_msr},
    {"nvml", "gpu", true, "NVIDIA GPU energy counter (or power integrated) through NVML", open_nvml},
    {"estimate", "cpu", false, "CPU power modelled from this process's CPU share (not a measurement)", open_estimate},
}};

std::string valid_names() {
  std::string names = "auto, none";
  for (const auto& kind : kKinds) (names += ", ") += kind.name;
  return names;
}

const MeterKind& kind_named(std::string_view name) {
  const auto it = std::ranges::find(kKinds, name, &MeterKind::name);
  if (it == kKinds.end()) {
    throw UsageError(fmt::format("unknown meter '{}'; valid: {} (see `greenbatch meters`)", name, valid_names()));
  }
  return *it;
}

}  // namespace

std::span<const MeterKind> meter_kinds() { return kKinds; }

std::vector<Probe> probe_meters(const MeterOptions& options) {
  std::vector<Probe> probes;
  for (const auto& kind : kKinds) {
    auto opened = kind.open(options);
    Probe probe{std::string(kind.name),
                std::string(kind.covers),
                {},
                opened.meter != nullptr,
                std::move(opened.reason),
                {},
                {}};
    if (opened.meter) {
      probe.source = opened.meter->source();
      probe.notes = opened.meter->notes();
      probe.domains = opened.meter->domains();
    }
    probes.push_back(std::move(probe));
  }
  return probes;
}

std::vector<std::string> auto_selection(const std::vector<Probe>& probes) {
  std::vector<std::string> chosen;
  const auto cpu = std::ranges::find_if(probes, [](const Probe& p) { return p.available && p.covers == "cpu"; });
  if (cpu != probes.end()) chosen.push_back(cpu->name);
  for (const auto& p : probes) {
    if (p.available && p.covers == "gpu") chosen.push_back(p.name);
  }
  return chosen;
}

MeterSelection MeterSelection::parse(std::string_view spec) {
  MeterSelection selection;
  if (spec == "auto") return selection;
  if (spec == "none") return MeterSelection{Mode::none, {}};
  selection.mode = Mode::named;
  for (const auto name : split(spec, ',')) {
    if (name == "auto" || name == "none") {
      throw UsageError(
          fmt::format("meter selection '{}': '{}' stands alone and cannot be combined with meter names; give "
                      "'{}' by itself, or names such as rapl,nvml",
                      spec, name, name));
    }
    const auto& kind = kind_named(name);
    if (std::ranges::any_of(selection.kinds, [&](const MeterKind* k) { return k->covers == kind.covers; })) {
      throw UsageError(
          fmt::format("meter selection '{}' names two {} meters, which would count the same energy "
                      "twice; choose one of them",
                      spec, kind.covers));
    }
    selection.kinds.push_back(&kind);
  }
  return selection;
}

std::string MeterSelection::to_string() const {
  if (mode == Mode::automatic) return "auto";
  if (mode == Mode::none) return "none";
  std::vector<std::string_view> names;
  for (const auto* kind : kinds) names.push_back(kind->name);
  return fmt::format("{}", fmt::join(names, ","));
}

std::vector<std::unique_ptr<Meter>> open_meters(const MeterSelection& selection, const MeterOptions& options) {
  std::vector<std::unique_ptr<Meter>> meters;
  if (selection.mode == MeterSelection::Mode::none) return meters;
  if (selection.mode == MeterSelection::Mode::automatic) {
    bool have_cpu = false;
    for (const auto& kind : kKinds) {
      if (kind.covers == "cpu" && have_cpu) continue;
      auto opened = kind.open(options);
      if (!opened.meter) continue;
      have_cpu = have_cpu || kind.covers == "cpu";
      meters.push_back(std::move(opened.meter));
    }
    return meters;
  }
  for (const auto* kind : selection.kinds) {
    auto opened = kind->open(options);
    if (!opened.meter) throw UnsupportedError(fmt::format("meter '{}' is unavailable: {}", kind->name, opened.reason));
    meters.push_back(std::move(opened.meter));
  }
  return meters;
}

std::vector<std::unique_ptr<Meter>> open_meters(std::string_view spec, const MeterOptions& options) {
  return open_meters(MeterSelection::parse(spec), options);
}

}  // namespace greenbatch::energy
