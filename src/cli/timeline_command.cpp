// `greenbatch timeline`: energy per image against year and accuracy for the zoo, measured now
// (a profile at one batch size) or read from a study's database.
#include <fmt/format.h>

#include <map>

#include "backend_flags.h"
#include "commands.h"
#include "greenbatch/core/error.h"
#include "greenbatch/core/text.h"
#include "greenbatch/engine/model_catalog.h"
#include "greenbatch/profile/profiler.h"
#include "greenbatch/report/timeline.h"
#include "greenbatch/store/result_store.h"
#include "meter_flags.h"
#include "number_flags.h"

namespace greenbatch::cli {
namespace {

struct TimelineFlags {
  std::string db;
  std::string models = "preset";
  int batch_size = 1;
  std::string out;
  BackendFlags backend;
  MeterFlags meter;
  double min_seconds = 2.0;
};

std::vector<std::string> chosen_models(const std::string& spec) {
  if (spec == "all") {
    std::vector<std::string> names;
    for (const auto& m : engine::model_catalog()) names.push_back(m.name);
    return names;
  }
  if (spec == "preset") return engine::study_preset_models();
  std::vector<std::string> names;
  for (const auto name : split(spec, ',')) names.push_back(engine::find_model(name).name);  // checks each name
  return names;
}

report::TimelinePoint point(const std::string& model, double energy, const std::string& source) {
  const auto& info = engine::find_model(model);
  return report::TimelinePoint{info.name, info.year, info.top1, energy, source};
}

// Energy per image now: a profile of each model at the batch size, with the chosen meters.
std::vector<report::TimelinePoint> measure(TimelineFlags& flags, const std::vector<std::string>& models) {
  const auto sampler = start_sampler(flags.meter);
  if (sampler->domains().empty()) throw UsageError("the timeline needs energy: leave out --meter none");
  const profile::ProfileEnergy energy{sampler.get(), measure_idle_baseline(flags.meter, *sampler)};
  profile::ProfileOptions options;
  options.batch_sizes = {flags.batch_size};
  options.min_seconds = flags.min_seconds;
  std::vector<report::TimelinePoint> points;
  for (const auto& model : models) {
    fmt::print(stderr, "measuring {} at batch size {} ...\n", model, flags.batch_size);
    flags.backend.models = {model};
    const auto backend = engine::make_backend(backend_specs(flags.backend).front());
    const auto r = profile::run_profile(*backend, options, {}, energy).at(0);
    if (!r.energy_per_image_j) {
      throw Error(fmt::format("no energy for {}: {} (see `greenbatch meters`)", model, r.energy_status));
    }
    points.push_back(point(model, *r.energy_per_image_j, r.energy_source));
  }
  return points;
}

// Energy per image from a database: the mean energy per request of the trials with a fixed batch
// of the chosen size, per model and host.
std::vector<report::TimelinePoint> from_db(const TimelineFlags& flags, const std::vector<std::string>& models) {
  const auto db = store::ResultStore::open_read_only(flags.db);
  std::vector<report::TimelinePoint> points;
  for (const auto& e : report::stored_energy(db.load_trials(), flags.batch_size)) {
    if (std::ranges::find(models, e.model) == models.end()) continue;
    auto p = point(e.model, e.energy_per_image_j, e.source);
    p.host = e.host;
    points.push_back(std::move(p));
  }
  if (points.empty()) {
    throw InputError(
        fmt::format("{} holds no trial with a fixed batch of {} (no fixed:{} trial) of the chosen "
                    "models; run a study with policy fixed:{} or measure now without --db",
                    flags.db, flags.batch_size, flags.batch_size, flags.batch_size));
  }
  return points;
}

}  // namespace

void add_timeline_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "timeline", "Energy per image against publication year and top-1 accuracy for the zoo, with growth rates");
  auto flags = std::make_shared<TimelineFlags>();
  cmd->add_option("--db", flags->db, "read energy per image from this study database (trials with fixed:B)");
  cmd->add_option("--models", flags->models, "preset (the study's five), all, or NAME[,NAME...]")
      ->capture_default_str();
  add_number_option(*cmd, "--batch-size,-b", flags->batch_size, "batch size of the energy per image",
                    NumberRange::between(1, 4096));
  cmd->add_option("--out", flags->out, "folder for timeline.csv, timeline.md and the figures")->required();
  add_number_option(*cmd, "--threads", flags->backend.threads,
                    "intra-op threads when measuring (default 0: the cores available)", NumberRange::between(0, 1024));
  add_number_option(*cmd, "--min-seconds", flags->min_seconds, "time each model at least this long when measuring, s",
                    NumberRange::between(0, 86400));
  add_meter_flags(*cmd, flags->meter);
  cmd->callback([flags] {
    const auto models = chosen_models(flags->models);
    std::vector<int> years;
    for (const auto& m : models) years.push_back(engine::find_model(m).year);
    report::require_two_years(years);
    const bool measured = flags->db.empty();
    auto points = measured ? measure(*flags, models) : from_db(*flags, models);
    const std::string origin = measured ? fmt::format("measured now, batch size {}, random weights", flags->batch_size)
                                        : fmt::format("mean energy per request of the fixed:{} trials in {}",
                                                      flags->batch_size, flags->db);
    const auto timeline = report::build_timeline(std::move(points), origin);
    const auto md = report::write_timeline(timeline, flags->out);
    fmt::print("energy per image grows {:+.1f} % per year, top-1 accuracy {:+.2f} % per year; see {}\n",
               timeline.energy.growth_per_unit * 100.0, timeline.accuracy.growth_per_unit * 100.0, md.string());
  });
}

}  // namespace greenbatch::cli
