// `greenbatch profile`: offline latency, throughput and memory per model and batch size.
#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <optional>

#include "backend_flags.h"
#include "commands.h"
#include "greenbatch/core/atomic_file.h"
#include "greenbatch/core/error.h"
#include "greenbatch/core/number.h"
#include "greenbatch/engine/precision_check.h"
#include "greenbatch/knobs/applied_knobs.h"
#include "greenbatch/profile/profile_document.h"
#include "greenbatch/profile/profiler.h"
#include "greenbatch/trial/environment.h"
#include "knob_flags.h"
#include "meter_flags.h"
#include "number_flags.h"
#include "output.h"

namespace greenbatch::cli {
namespace {

struct ProfileFlags {
  BackendFlags backend;
  MeterFlags meter;
  knobs::KnobSettings knobs;
  std::vector<std::string> batch_sizes{"1", "2", "4", "8"};
  // Idle gaps, ms: from back to back to half a second, the idle times live traffic leaves between
  // batches from heavy load (a few ms) to light load (~100 ms at 10 requests/s) and bursty pauses.
  // Inference threads sleep at once when idle (passive wait), so even short gaps pay a wake-up.
  std::vector<std::string> idle_gaps{"0", "5", "20", "100", "500"};
  profile::ProfileOptions options;
  bool json = false;
  bool csv = false;
  std::string out;
};

// Where --out writes, and in which format (from the extension); checked before any work.
std::optional<Format> out_format(const std::string& out) {
  if (out.empty()) return std::nullopt;
  if (out.ends_with(".csv")) return Format::csv;
  if (out.ends_with(".json")) return Format::json;
  throw UsageError("--out '" + out + "': the file name must end in .csv or .json");
}

std::vector<int> parse_batch_sizes(const std::vector<std::string>& texts) {
  std::vector<int> sizes;
  for (const auto& text : texts) {
    std::size_t used = 0;
    int value = 0;
    try {
      value = std::stoi(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != text.size() || value <= 0) {
      throw UsageError(
          fmt::format("--batch-sizes: '{}' is not a positive whole number; e.g. --batch-sizes 1,2,4,8", text));
    }
    sizes.push_back(value);
  }
  return sizes;
}

void run_profile_command(ProfileFlags& flags) {
  const auto format = pick_format(flags.json, flags.csv);
  const auto file_format = out_format(flags.out);
  flags.options.batch_sizes = parse_batch_sizes(flags.batch_sizes);
  flags.options.idle_gaps_ms.clear();
  for (const auto& text : flags.idle_gaps) {
    flags.options.idle_gaps_ms.push_back(parse_real(text, "--idle-gaps", {0.0, false, 60'000.0, false}));
  }
  const auto specs = backend_specs(flags.backend);
  // The knobs hold from the idle baseline and the first warm-up to the last cell, as for a trial,
  // and are restored on every way out; a refused value stops before --out is created.
  const knobs::AppliedKnobs applied(flags.knobs, knobs::KnobOptions::from_environment());
  for (const auto& line : applied.applied()) fmt::print(stderr, "set {}\n", line);
  // Checked before the work, so a bad path costs nothing; written whole at the end, so a failed
  // run leaves an earlier document there as it was.
  if (file_format) check_output_writable(flags.out, "--out");
  const auto sampler = start_sampler(flags.meter);
  const profile::ProfileEnergy energy{sampler.get(), measure_idle_baseline(flags.meter, *sampler)};
  std::vector<profile::ProfileRecord> records;
  std::string environment;  // of the first model: the others differ only in their backend columns
  for (const auto& spec : specs) {
    fmt::print(stderr, "profiling {} ...\n", spec.target());
    const auto load_start = std::chrono::steady_clock::now();
    const auto backend = engine::make_backend(spec);
    fmt::print(stderr, "  loaded in {:.0f} ms ({}{})\n",
               std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - load_start).count(),
               backend->info().precision, backend->info().optimized ? ", optimized" : "");
    if (environment.empty()) environment = trial::environment_json(backend->info(), *sampler);
    const auto report = [](const profile::ProfileRecord& r) {
      const std::string joules = r.energy_per_image_j
                                     ? fmt::format(", {:.4g} J/image ({})", *r.energy_per_image_j, r.energy_source)
                                     : "";
      fmt::print(stderr, "  batch {:>4}: {:9.2f} ms/batch, {:9.1f} images/s{}\n", r.batch_size, r.latency_mean_ms,
                 r.throughput_ips, joules);
    };
    auto cells = profile::run_profile(*backend, flags.options, report, energy);
    if (spec.precision != engine::Precision::fp32) {
      const auto agreement = engine::agreement_with_fp32(*backend, spec);
      if (!agreement.measurable) {
        fmt::print(stderr, "  {} vs fp32: not measurable, {}\n", engine::to_string(spec.precision), agreement.why_not);
      } else {
        fmt::print(stderr,
                   "  {} vs fp32 on {} generated images: top-1 agreement {:.1f} %, max logit difference {:.4g}\n",
                   engine::to_string(spec.precision), agreement.images, 100.0 * agreement.top1_agreement,
                   agreement.max_logit_diff);
        for (auto& cell : cells) {
          cell.fp32_top1_agreement = agreement.top1_agreement;
          cell.fp32_max_logit_diff = agreement.max_logit_diff;
        }
      }
    }
    for (auto& cell : cells) cell.knobs = flags.knobs;
    records.insert(records.end(), cells.begin(), cells.end());
  }
  for (const auto& fault : sampler->faults())
    fmt::print(stderr, "energy: {} (its energy is null from then on)\n", fault);
  const auto table = store::to_table(records);
  std::vector<std::string> columns{"model", "device", "threads"};
  // The power knobs only when set: without them the table is as wide as before.
  if (flags.knobs.cpu_max_freq_khz) columns.emplace_back("cpu_max_freq_khz");
  if (flags.knobs.gpu_power_limit_w) columns.emplace_back("gpu_power_limit_w");
  if (flags.knobs.gpu_clocks_mhz) columns.emplace_back("gpu_clocks_mhz");
  columns.insert(columns.end(), {"batch_size", "batches", "latency_mean_ms", "latency_median_ms", "latency_p95_ms",
                                 "latency_per_image_ms", "throughput_ips", "peak_rss_kib", "energy_per_image_j",
                                 "dynamic_energy_per_image_j", "avg_power_w", "energy_source"});
  print(std::cout, table, format, columns, 4);
  if (!file_format) return;
  write_file_atomically(flags.out, [&](std::ostream& file) {
    if (file_format == Format::json) {
      profile::write_profile_document(file, records, environment);
    } else {
      print(file, table, *file_format);
    }
  });
  fmt::print(stderr, "wrote {}\n", flags.out);
}

}  // namespace

void add_profile_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "profile", "Offline profile: per model and batch size, batch latency, throughput, peak memory and energy");
  auto flags = std::make_shared<ProfileFlags>();
  add_backend_flags(*cmd, flags->backend, /*several_models=*/true, /*synthetic=*/true);
  add_meter_flags(*cmd, flags->meter);
  add_knob_flags(*cmd, flags->knobs);
  cmd->add_option("--batch-sizes,-b", flags->batch_sizes, "batch sizes, comma separated")
      ->delimiter(',')
      ->capture_default_str();
  add_number_option(*cmd, "--min-seconds", flags->options.min_seconds, "time each batch size at least this long, s",
                    NumberRange::between(0, 86400));
  add_number_option(*cmd, "--min-batches", flags->options.min_batches, "and at least this many batches",
                    NumberRange::between(1, 1'000'000));
  add_number_option(*cmd, "--warmup-batches", flags->options.warmup_batches, "uncounted batches before each batch size",
                    NumberRange::between(0, 10'000));
  cmd->add_option("--idle-gaps", flags->idle_gaps,
                  "idle gaps (ms, ascending) after which batches are also timed, for the simulator's cold-start "
                  "model; 0 is the back-to-back batches; --idle-gaps 0 measures no gaps")
      ->delimiter(',')
      ->capture_default_str();
  add_number_option(*cmd, "--gap-batches", flags->options.gap_batches, "batches timed after each idle gap > 0",
                    NumberRange::between(1, 10'000));
  cmd->add_flag("--include-preprocess", flags->options.include_preprocess,
                "decode and preprocess generated JPEG images inside each timed batch");
  cmd->add_option("--out,-o", flags->out,
                  "also write every column to FILE: .csv a flat table, .json a profile document with every "
                  "batch's latency (the input of simulate)");
  cmd->add_flag("--json", flags->json, "print JSON");
  cmd->add_flag("--csv", flags->csv, "print CSV");
  cmd->callback([flags] { run_profile_command(*flags); });
}

}  // namespace greenbatch::cli
