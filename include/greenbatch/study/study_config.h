#pragma once
/// A study's design as its TOML file gives it: models × policies × arrival processes × threads ×
/// power knobs × repetitions, and how to run each trial. Validated and normalised before anything runs.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "greenbatch/engine/precision.h"

namespace greenbatch::study {

/// A study file, validated, with defaults filled in and every spec normalised.
struct StudyConfig {
  std::string name;                      ///< `name`: a label for reports
  std::filesystem::path file;            ///< the file it was read from
  std::vector<std::string> models;       ///< `models`: zoo names, TorchScript files (absolute paths), or
                                         ///< "synthetic:alpha=..,tau0=.." specs
  std::vector<std::string> policies;     ///< `policies`: normalised policy specs
  std::vector<std::string> arrivals;     ///< `arrivals` (× `rates` for bare process names): normalised specs
  std::optional<std::int64_t> requests;  ///< `requests` per trial, or
  std::optional<double> duration_s;      ///< `duration_s` per trial (exactly one of the two)
  int repetitions = 1;                   ///< `repetitions` of every cell
  std::uint64_t seed = 1;                ///< `seed`: order shuffle, arrivals (seed + repetition), images
  bool shuffle = true;                   ///< `shuffle` the trial order
  int warmup_batches = 2;                ///< `warmup_batches` per model at load and before each trial
  double rest_seconds = 1.0;             ///< `rest_seconds` between trials
  double idle_seconds = 2.0;             ///< `idle_seconds` of idle baseline before each trial
  std::string meter = "auto";            ///< `meter`: auto, none, or NAME[,NAME]
  std::vector<int> threads{0};           ///< `threads`: one count or a list (a design factor); 0: the cores available
  std::vector<engine::Precision> precisions{engine::Precision::fp32};  ///< `precisions` (a design factor)
  std::vector<std::uint64_t> cpu_max_freqs;    ///< `cpu_max_freqs`, kHz (a design factor; empty: left as is)
  std::vector<unsigned> gpu_power_limits;      ///< `gpu_power_limits`, W (a design factor; empty: left as is)
  std::string device = "cpu";                  ///< `device`: cpu or cuda[:N]
  std::map<std::string, std::string> weights;  ///< `weights = ["MODEL=FILE"]`: torchvision weights per zoo
                                               ///< model (absolute paths); others get seeded random weights
  std::optional<int> resize;                   ///< `resize`: shorter side after resizing (default: each model's)
  std::optional<int> crop;                     ///< `crop`: centre crop = input size (default: each model's)
  bool optimize = true;                        ///< `optimize`: fold batch norm and freeze at load (false: as built)
  std::optional<double> slo_ms;                ///< `slo_ms` for slo_attainment
  std::int64_t queue_capacity = 1024;          ///< `queue_capacity` of every trial
  std::string images;                          ///< `images`: a folder (absolute), or empty for generated images
  bool keep_requests = true;                   ///< `keep_requests`: store per-request rows
  bool keep_batches = true;                    ///< `keep_batches`: store per-batch rows
  bool keep_power_trace = false;               ///< `keep_power_trace`: store the power samples
  std::vector<std::string> targets;            ///< `targets`: servers' URLs, normalised (remote trials; the
                                               ///< design's policy factor: `policies` is then absent)
  std::vector<std::string> server_policies;    ///< `server_policies`: one free-text label per target (empty:
                                               ///< what each server reports)
  std::string payload = "image";               ///< `payload` of remote requests: image or tensor
  std::int64_t max_in_flight = 1024;           ///< `max_in_flight` of the remote client
  double request_timeout_ms = 30000.0;         ///< `request_timeout_ms` of remote requests
};

/// Reads `file` and applies `overrides` ("KEY=VALUE", VALUE in TOML syntax, e.g. `requests=5` or
/// `models=["alexnet"]`) on top. Throws InputError naming the file, line and key for unknown keys
/// (with a "did you mean"), wrong types, empty lists, bad specs and impossible combinations (e.g. a
/// batch size above queue_capacity); UsageError for a malformed override.
StudyConfig load_study(const std::filesystem::path& file, const std::vector<std::string>& overrides = {});

/// The normalised configuration as canonical JSON text (what the study id hashes; stored with it).
std::string canonical_json(const StudyConfig& config);

/// A 16-hex-digit id of the configuration: equal configurations (after normalisation) share it.
std::string study_id(const StudyConfig& config);

}  // namespace greenbatch::study
