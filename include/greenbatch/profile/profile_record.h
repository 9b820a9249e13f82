#pragma once
/// One cell of an offline profile: a model at one batch size, all inputs ready.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "greenbatch/core/fields.h"
#include "greenbatch/knobs/knob_settings.h"

namespace greenbatch::profile {

/// The batches of one cell run after the server sat idle for a set time: what live traffic at low
/// load sees (threads woken from passive wait, cold caches), unlike back-to-back batches.
struct IdleGapSamples {
  double gap_ms = 0.0;                       ///< idle time before each of these batches, ms (> 0)
  std::vector<double> latency_samples_ms;    ///< each batch's latency after that gap, ms (non-empty)
  std::optional<double> energy_per_batch_j;  ///< energy of one such batch: the window's energy less idle
                                             ///< power over the gaps, per batch, J (null: unmeasured)
};

/// Timing, memory and energy of one (model, batch size) cell; absent values are null in every
/// output. Energy covers the timed batches only, and always names its source.
struct ProfileRecord {
  std::string model;                                 ///< zoo name, model file or synthetic spec
  std::string backend;                               ///< "torch" or "synthetic"
  std::string device;                                ///< "cpu" or "cuda:N"
  int threads = 0;                                   ///< intra-op threads
  std::string library_version;                       ///< e.g. LibTorch "1.13.0"
  std::string weights;                               ///< random(seed=N), a file, or none
  std::string precision = "fp32";                    ///< fp32 or bf16 (engine/precision.h)
  knobs::KnobSettings knobs;                         ///< power knobs held for the whole profile (unset: the
                                                     ///< machine's own setting)
  std::optional<double> fp32_top1_agreement;         ///< share of images whose top-1 class equals fp32's on the
                                                     ///< same inputs and weights (null for fp32)
  std::optional<double> fp32_max_logit_diff;         ///< largest |logit - fp32 logit| over those images (null for fp32)
  int batch_size = 0;                                ///< images per batch
  bool includes_preprocess = false;                  ///< batches include decoding and preprocessing their images
  std::int64_t batches = 0;                          ///< batches timed (after warm-up)
  double seconds = 0.0;                              ///< wall time of the timed batches, s
  double latency_mean_ms = 0.0;                      ///< batch latency mean, ms
  double latency_median_ms = 0.0;                    ///< batch latency median, ms
  double latency_p95_ms = 0.0;                       ///< batch latency 95th percentile, ms
  double latency_per_image_ms = 0.0;                 ///< mean batch latency / batch size, ms
  double throughput_ips = 0.0;                       ///< images per second over the timed batches
  std::optional<std::int64_t> peak_rss_kib;          ///< peak resident memory during the cell, KiB
  std::optional<double> gflops_per_image;            ///< model cost per image, GFLOP (null for synthetic)
  std::optional<double> achieved_gflops_per_s;       ///< throughput x cost, GFLOP/s
  std::string energy_source = "none";                ///< "rapl", "perf", "nvml", "estimate", joined with '+', or "none"
  std::string energy_status = "no_meter";            ///< ok, short_window, meter_failed or no_meter
  std::optional<double> energy_j;                    ///< energy of the timed batches, J
  std::optional<double> energy_per_image_j;          ///< energy_j / images, J
  std::optional<double> dynamic_energy_per_image_j;  ///< (energy_j − idle power × seconds) / images, J
  std::optional<double> idle_power_w;                ///< idle power measured before the profile, W
  std::optional<double> avg_power_w;                 ///< energy_j / seconds, W
  std::optional<double> peak_power_w;                ///< highest total power among the sampler's samples, W
  std::string energy_by_domain_j;                    ///< "package-0=12.5;dram-0=1.25" (J per domain; nested ones too)
  std::vector<double> latency_samples_ms;            ///< every timed batch's latency in order, ms; written only
                                                     ///< to the profile document (not a column)
  std::vector<IdleGapSamples> idle_gaps;             ///< batches after idle gaps, ascending gap; written only to
                                                     ///< the profile document (not a column)
};

/// The columns of a profile, in output order.
FieldTable<ProfileRecord> fields(const ProfileRecord*);

}  // namespace greenbatch::profile
