// One live trial from the command line, shared by run and recommend --verify.
#include "live_trial_runner.h"

#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include "greenbatch/core/error.h"
#include "knob_flags.h"
#include "number_flags.h"

namespace greenbatch::cli {

void add_live_trial_flags(CLI::App& cmd, LiveTrialFlags& flags) {
  add_backend_flags(cmd, flags.backend, /*several_models=*/false, /*synthetic=*/true);
  add_meter_flags(cmd, flags.meter);
  cmd.add_option("--images", flags.images,
                 "folder of JPEG/PNG images the requests carry (default: generated images; none for synthetic)");
  add_number_option(cmd, "--warmup-batches", flags.warmup_batches,
                    "uncounted batches at sizes 1 and the policy's maximum (on CUDA, every size up to it once too)",
                    NumberRange::between(0, 1000));
  add_knob_flags(cmd, flags.knobs);
}

trial::TrialSettings live_settings(const LiveTrialFlags& flags) {
  auto specs = backend_specs(flags.backend);
  if (specs.size() != 1) throw UsageError("a live trial takes one model; use a study for several");
  trial::TrialSettings settings;
  settings.backend = std::move(specs.front());
  settings.seed = flags.backend.seed;
  settings.images = flags.images;
  settings.warmup_batches = flags.warmup_batches;
  settings.idle_seconds = flags.meter.idle_seconds;
  settings.knobs = flags.knobs;
  return settings;
}

trial::TrialRecord run_live(const LiveTrialFlags& flags, const trial::TrialSettings& settings,
                            const std::function<void(const engine::BackendInfo&)>& on_loaded) {
  const auto sampler = start_sampler(flags.meter);
  trial::TrialBuilder builder(*sampler, [](const std::string& line) { fmt::print(stderr, "{}\n", line); });
  const auto info = builder.prepare(settings);
  if (on_loaded) on_loaded(info);
  auto record = builder.run(settings);
  for (const auto& fault : sampler->faults()) fmt::print(stderr, "energy: {}\n", fault);
  return record;
}

void check_backend_ok(const trial::TrialRecord& record) {
  if (record.status == trial::TrialStatus::backend_failed) {
    throw Error(fmt::format("the backend failed mid-trial: {}", record.status_detail));
  }
}

}  // namespace greenbatch::cli
