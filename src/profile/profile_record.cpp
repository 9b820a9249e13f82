// Column table of ProfileRecord.
#include "greenbatch/profile/profile_record.h"

#include <array>

namespace greenbatch::profile {
namespace {

using R = ProfileRecord;

// A power knob's value as a column: null when not set.
template <class T>
FieldValue knob_value(const std::optional<T>& value) {
  return value ? FieldValue{static_cast<std::int64_t>(*value)} : FieldValue{};
}

constexpr std::array<Field<R>, 33> kFields{{
    {"model", "", "zoo name, TorchScript file or synthetic spec", [](const R& r) -> FieldValue { return r.model; }},
    {"backend", "", "torch or synthetic", [](const R& r) -> FieldValue { return r.backend; }},
    {"device", "", "cpu or cuda:N", [](const R& r) -> FieldValue { return r.device; }},
    {"threads", "", "intra-op threads", [](const R& r) -> FieldValue { return std::int64_t{r.threads}; }},
    {"library_version", "", "LibTorch version", [](const R& r) -> FieldValue { return r.library_version; }},
    {"weights", "", "random(seed=N), weights file, or none", [](const R& r) -> FieldValue { return r.weights; }},
    {"precision", "", "fp32 or bf16", [](const R& r) -> FieldValue { return r.precision; }},
    {"cpu_max_freq_khz", "kHz", "CPU frequency cap held for the profile (--cpu-max-freq; null: not set)",
     [](const R& r) -> FieldValue { return knob_value(r.knobs.cpu_max_freq_khz); }},
    {"gpu_power_limit_w", "W", "GPU power limit held for the profile (--gpu-power-limit; null: not set)",
     [](const R& r) -> FieldValue { return knob_value(r.knobs.gpu_power_limit_w); }},
    {"gpu_clocks_mhz", "MHz", "GPU locked graphics clock held for the profile (--gpu-clocks; null: not set)",
     [](const R& r) -> FieldValue { return knob_value(r.knobs.gpu_clocks_mhz); }},
    {"fp32_top1_agreement", "",
     "share of images with fp32's top-1 class on the same inputs and weights (null: fp32, or fp32 scored every "
     "class the same)",
     [](const R& r) -> FieldValue { return optional_value(r.fp32_top1_agreement); }},
    {"fp32_max_logit_diff", "", "largest |logit - fp32 logit| on those images (null when the agreement is)",
     [](const R& r) -> FieldValue { return optional_value(r.fp32_max_logit_diff); }},
    {"batch_size", "images", "images per batch", [](const R& r) -> FieldValue { return std::int64_t{r.batch_size}; }},
    {"includes_preprocess", "", "batch time includes JPEG decoding and preprocessing",
     [](const R& r) -> FieldValue { return r.includes_preprocess; }},
    {"batches", "", "timed batches after warm-up", [](const R& r) -> FieldValue { return r.batches; }},
    {"seconds", "s", "wall time of the timed batches", [](const R& r) -> FieldValue { return r.seconds; }},
    {"latency_mean_ms", "ms", "mean batch latency", [](const R& r) -> FieldValue { return r.latency_mean_ms; }},
    {"latency_median_ms", "ms", "median batch latency", [](const R& r) -> FieldValue { return r.latency_median_ms; }},
    {"latency_p95_ms", "ms", "95th percentile batch latency",
     [](const R& r) -> FieldValue { return r.latency_p95_ms; }},
    {"latency_per_image_ms", "ms", "mean batch latency divided by batch size",
     [](const R& r) -> FieldValue { return r.latency_per_image_ms; }},
    {"throughput_ips", "images/s", "images per second over the timed batches",
     [](const R& r) -> FieldValue { return r.throughput_ips; }},
    {"peak_rss_kib", "KiB", "peak resident memory of the process during this cell (null if unknown)",
     [](const R& r) -> FieldValue { return optional_value(r.peak_rss_kib); }},
    {"gflops_per_image", "GFLOP", "cost of one image: 2 x multiply-accumulates of convolutions and matrix products",
     [](const R& r) -> FieldValue { return optional_value(r.gflops_per_image); }},
    {"achieved_gflops_per_s", "GFLOP/s", "throughput times cost per image",
     [](const R& r) -> FieldValue { return optional_value(r.achieved_gflops_per_s); }},
    {"energy_source", "", "what measured the energy: rapl, perf, nvml, estimate (a model, not a measurement), none",
     [](const R& r) -> FieldValue { return r.energy_source; }},
    {"energy_status", "", "ok, short_window, meter_failed or no_meter",
     [](const R& r) -> FieldValue { return r.energy_status; }},
    {"energy_j", "J", "energy of the timed batches",
     [](const R& r) -> FieldValue { return optional_value(r.energy_j); }},
    {"energy_per_image_j", "J", "energy per image",
     [](const R& r) -> FieldValue { return optional_value(r.energy_per_image_j); }},
    {"dynamic_energy_per_image_j", "J", "energy per image above the idle baseline",
     [](const R& r) -> FieldValue { return optional_value(r.dynamic_energy_per_image_j); }},
    {"idle_power_w", "W", "idle power measured before the profile",
     [](const R& r) -> FieldValue { return optional_value(r.idle_power_w); }},
    {"avg_power_w", "W", "average power during the timed batches",
     [](const R& r) -> FieldValue { return optional_value(r.avg_power_w); }},
    {"peak_power_w", "W", "highest sampled power during the timed batches",
     [](const R& r) -> FieldValue { return optional_value(r.peak_power_w); }},
    {"energy_by_domain_j", "J", "energy per domain, name=joules separated by ';' (nested domains included)",
     [](const R& r) -> FieldValue { return r.energy_by_domain_j; }},
}};

}  // namespace

FieldTable<ProfileRecord> fields(const ProfileRecord*) { return kFields; }

}  // namespace greenbatch::profile
