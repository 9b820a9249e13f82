// Offline profiling of a backend, one batch size at a time.
#include "greenbatch/profile/profiler.h"

#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <thread>
#include <utility>

#include "greenbatch/core/error.h"
#include "greenbatch/engine/generated_images.h"
#include "greenbatch/engine/preprocess.h"
#include "greenbatch/stats/quantile.h"
#include "peak_memory.h"

namespace greenbatch::profile {
namespace {

using Clock = std::chrono::steady_clock;

// Produces the batch for one timed iteration: either a ready tensor, or freshly decoded and
// preprocessed JPEGs (so that preprocessing is inside the timed region).
class BatchSource {
 public:
  BatchSource(const engine::Backend& backend, int batch_size, const ProfileOptions& options)
      : spec_(backend.preprocessing()), batch_(engine::ImageBatch::zeros(batch_size, backend.input_shape())) {
    if (options.include_preprocess) {
      jpegs_ = engine::generate_jpeg_images(std::max(batch_size, 8), 500, 375, options.seed);
    }
  }
  const engine::ImageBatch& next() {
    for (int i = 0; !jpegs_.empty() && i < batch_.size; ++i) {
      const auto& bytes = jpegs_[next_image_++ % jpegs_.size()];
      engine::preprocess_into(engine::decode_image_bytes(bytes, "generated image"), spec_, batch_.image(i));
    }
    return batch_;
  }

 private:
  engine::Preprocessing spec_;
  engine::ImageBatch batch_;
  std::vector<std::vector<std::uint8_t>> jpegs_;
  std::size_t next_image_ = 0;
};

// Fills the energy columns of `r` from the window over its timed batches.
void add_energy(ProfileRecord& r, const energy::EnergyWindow& window, const energy::IdleBaseline& idle) {
  const double images = static_cast<double>(r.batches) * r.batch_size;
  const auto c = energy::energy_columns(window, idle);
  r.energy_source = c.source;
  r.energy_status = c.status;
  r.energy_j = c.split.total_j;
  if (c.split.total_j) r.energy_per_image_j = *c.split.total_j / images;
  if (c.split.dynamic_j) r.dynamic_energy_per_image_j = *c.split.dynamic_j / images;
  r.idle_power_w = c.idle_power_w;
  r.avg_power_w = c.avg_power_w;
  r.peak_power_w = c.peak_power_w;
  r.energy_by_domain_j = c.by_domain;
}

// The batches of one cell after an idle gap: each one follows `gap_ms` of sleep, as a batch of
// live traffic at low load follows the wait for its requests.
IdleGapSamples gap_cell(engine::Backend& backend, BatchSource& source, double gap_ms, const ProfileOptions& options,
                        const ProfileEnergy& energy) {
  IdleGapSamples g;
  g.gap_ms = gap_ms;
  const auto gap = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double, std::milli>(gap_ms));
  std::optional<energy::EnergyMark> energy_begin;
  if (energy.sampler) energy_begin = energy.sampler->mark();
  double slept_s = 0.0;
  for (int i = 0; i < options.gap_batches; ++i) {
    const auto sleep_begin = Clock::now();
    std::this_thread::sleep_for(gap);
    const auto begin = Clock::now();
    slept_s += std::chrono::duration<double>(begin - sleep_begin).count();
    backend.run_discard(source.next());
    g.latency_samples_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
  }
  if (!energy.sampler) return g;
  const auto c = energy::energy_columns(energy.sampler->window(*energy_begin, energy.sampler->mark()), energy.idle);
  // The sleeps cost idle power, which the simulator adds for idle time itself; what is left is the
  // batches'. Null when it cannot be told apart from idle (no baseline, a bad window, or noise).
  if (c.status == "ok" && c.split.total_j && c.idle_power_w) {
    const double batches_j = (*c.split.total_j - *c.idle_power_w * slept_s) / options.gap_batches;
    if (batches_j >= 0.0) g.energy_per_batch_j = batches_j;
  }
  return g;
}

ProfileRecord profile_cell(engine::Backend& backend, int batch_size, const ProfileOptions& options,
                           const ProfileEnergy& energy) {
  BatchSource source(backend, batch_size, options);
  for (int i = 0; i < options.warmup_batches; ++i) backend.run_discard(source.next());
  reset_peak_rss();

  std::vector<double> latencies_ms;
  std::optional<energy::EnergyMark> energy_begin;
  if (energy.sampler) energy_begin = energy.sampler->mark();
  const auto start = Clock::now();
  auto now = start;
  while (static_cast<int>(latencies_ms.size()) < options.min_batches ||
         std::chrono::duration<double>(now - start).count() < options.min_seconds) {
    const auto begin = Clock::now();
    backend.run_discard(source.next());
    now = Clock::now();
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(now - begin).count());
  }
  const double seconds = std::chrono::duration<double>(now - start).count();
  std::optional<energy::EnergyWindow> window;
  if (energy.sampler) window = energy.sampler->window(*energy_begin, energy.sampler->mark());

  const auto info = backend.info();
  const auto summary = stats::summarize(latencies_ms);
  ProfileRecord r;
  r.model = info.model;
  r.backend = info.kind;
  r.device = info.device;
  r.threads = info.threads;
  r.library_version = info.library_version;
  r.weights = info.weights;
  r.precision = info.precision;
  r.batch_size = batch_size;
  r.includes_preprocess = options.include_preprocess;
  r.batches = static_cast<std::int64_t>(latencies_ms.size());
  r.seconds = seconds;
  r.latency_mean_ms = summary.mean;
  r.latency_median_ms = summary.median;
  r.latency_p95_ms = summary.p95;
  r.latency_per_image_ms = summary.mean / batch_size;
  r.throughput_ips = static_cast<double>(r.batches) * batch_size / seconds;
  r.peak_rss_kib = peak_rss_kib();
  if (const auto flops = backend.flops_per_image()) {
    r.gflops_per_image = *flops / 1e9;
    r.achieved_gflops_per_s = r.throughput_ips * *flops / 1e9;
  }
  if (window) add_energy(r, *window, energy.idle);
  r.latency_samples_ms = std::move(latencies_ms);
  for (const double gap_ms : options.idle_gaps_ms) {
    if (gap_ms > 0.0) r.idle_gaps.push_back(gap_cell(backend, source, gap_ms, options, energy));
  }
  return r;
}

}  // namespace

std::vector<ProfileRecord> run_profile(engine::Backend& backend, const ProfileOptions& options,
                                       const RecordCallback& on_record, const ProfileEnergy& energy) {
  for (const int b : options.batch_sizes) {
    if (b <= 0) throw UsageError(fmt::format("batch size {} is not a positive number", b));
  }
  for (std::size_t i = 0; i < options.idle_gaps_ms.size(); ++i) {
    const double gap = options.idle_gaps_ms[i];
    if (!(gap >= 0.0 && gap <= 60'000.0) || (i > 0 && !(gap > options.idle_gaps_ms[i - 1]))) {
      throw UsageError(
          fmt::format("idle gap {:g} ms: gaps must be ascending, distinct, from 0 to 60000 ms; e.g. "
                      "--idle-gaps 0,5,20,100,500",
                      gap));
    }
  }
  if (!options.idle_gaps_ms.empty() && options.gap_batches < 1) {
    throw UsageError("--gap-batches must be at least 1");
  }
  std::vector<ProfileRecord> records;
  for (const int b : options.batch_sizes) {
    records.push_back(profile_cell(backend, b, options, energy));
    if (on_record) on_record(records.back());
  }
  return records;
}

}  // namespace greenbatch::profile
