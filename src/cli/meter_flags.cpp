// The --meter / --idle-seconds / --sample-ms flags and starting the sampler they describe.
#include "meter_flags.h"

#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include "greenbatch/energy/meter_registry.h"
#include "number_flags.h"

namespace greenbatch::cli {

void add_meter_flags(CLI::App& cmd, MeterFlags& flags) {
  cmd.add_option("--meter", flags.meter,
                 "energy meters: auto (hardware counters, else the estimate), none, or NAME[,NAME] "
                 "from `greenbatch meters`")
      ->capture_default_str();
  add_number_option(cmd, "--idle-seconds", flags.idle_seconds,
                    "measure idle power this long before the work, to split static from dynamic energy (0: skip)",
                    NumberRange::between(0.0, 3600.0));
  add_number_option(cmd, "--sample-ms", flags.sample_ms, "power sampling period", NumberRange::between(0.1, 10000.0));
}

std::unique_ptr<energy::Sampler> start_sampler(const MeterFlags& flags) {
  auto meters = energy::open_meters(flags.meter, energy::MeterOptions::from_environment());
  for (const auto& meter : meters) {
    const bool estimate = meter->source() == "estimate";
    fmt::print(stderr, "energy: {}{}{}\n", meter->name(),
               estimate ? " (an ESTIMATE from a power model, not a measurement: " : " (",
               meter->notes().empty() ? std::string("measured)") : meter->notes() + ")");
  }
  if (meters.empty()) fmt::print(stderr, "energy: no meter (--meter none)\n");
  auto sampler = std::make_unique<energy::Sampler>(std::move(meters), energy::SamplerOptions{flags.sample_ms / 1e3});
  sampler->start();
  return sampler;
}

energy::IdleBaseline measure_idle_baseline(const MeterFlags& flags, energy::Sampler& sampler) {
  if (flags.idle_seconds <= 0.0 || sampler.domains().empty()) return energy::measure_idle(sampler, 0.0);
  fmt::print(stderr, "measuring idle power for {:g} s ...\n", flags.idle_seconds);
  auto idle = energy::measure_idle(sampler, flags.idle_seconds);
  if (idle.power_w) {
    fmt::print(stderr, "  idle power {:.2f} W ({})\n", *idle.power_w, idle.source);
  } else {
    fmt::print(stderr, "  idle power not measured: {}\n", idle.detail);
  }
  return idle;
}

}  // namespace greenbatch::cli
