// Loading a study file: every key validated, defaults filled in and every spec normalised.
#include "greenbatch/study/study_config.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "greenbatch/batching/policy.h"
#include "greenbatch/core/json_optional.h"
#include "greenbatch/core/stamp.h"
#include "greenbatch/core/text.h"
#include "greenbatch/energy/meter_registry.h"
#include "greenbatch/engine/backend_spec.h"
#include "greenbatch/engine/model_catalog.h"
#include "greenbatch/engine/synthetic_backend.h"
#include "greenbatch/engine/torch_backend.h"
#include "greenbatch/remote/target.h"
#include "greenbatch/workload/arrival.h"
#include "toml_reader.h"

namespace greenbatch::study {
namespace {

namespace fs = std::filesystem;

// Every key a study file may hold, in StudyConfig's order (`rates` expands `arrivals`).
constexpr std::array<std::string_view, 34> kKeys{"name",
                                                 "models",
                                                 "policies",
                                                 "arrivals",
                                                 "rates",
                                                 "requests",
                                                 "duration_s",
                                                 "repetitions",
                                                 "seed",
                                                 "shuffle",
                                                 "warmup_batches",
                                                 "rest_seconds",
                                                 "idle_seconds",
                                                 "meter",
                                                 "threads",
                                                 "cpu_max_freqs",
                                                 "gpu_power_limits",
                                                 "device",
                                                 "weights",
                                                 "resize",
                                                 "crop",
                                                 "optimize",
                                                 "slo_ms",
                                                 "queue_capacity",
                                                 "images",
                                                 "keep_requests",
                                                 "keep_batches",
                                                 "keep_power_trace",
                                                 "targets",
                                                 "server_policies",
                                                 "payload",
                                                 "max_in_flight",
                                                 "request_timeout_ms",
                                                 "precisions"};

// Processes whose spec is exactly NAME:RATE, so `rates` can complete them.
constexpr std::array<std::string_view, 2> kRateProcesses{"jitter", "poisson"};

constexpr std::int64_t kIntMax = std::numeric_limits<int>::max();

// The most trials one study may plan: its plan is kept in memory and each trial takes seconds.
constexpr double kMaxStudyTrials = 1'000'000;

// `text` as an absolute, normalised path; a relative one is taken from `base`.
fs::path resolve(const fs::path& base, std::string_view text) {
  return (fs::path(text).is_absolute() ? fs::path(text) : base / text).lexically_normal();
}

// An integer key in [min, max], or `fallback` when absent.
std::int64_t integer_in(const TomlReader& reader, std::string_view key, std::int64_t min, std::int64_t max,
                        std::int64_t fallback) {
  const auto value = reader.integer(key);
  if (!value) return fallback;
  if (value->value < min || value->value > max) {
    const auto range = max == std::numeric_limits<std::int64_t>::max() ? fmt::format(">= {}", min)
                                                                       : fmt::format("in [{}, {}]", min, max);
    throw key_error(value->where, key, fmt::format("must be a whole number {}, got {}", range, value->value));
  }
  return value->value;
}

// An integer key given as one whole number or a list of distinct ones (the levels of a design
// factor), each in [min, max]; empty when absent.
std::vector<std::int64_t> integer_levels(const TomlReader& reader, std::string_view key, std::int64_t min,
                                         std::int64_t max) {
  std::vector<Located<double>> values;
  if (!reader.has(key)) return {};
  try {
    const auto one = reader.integer(key);
    values.push_back({static_cast<double>(one->value), one->where});
  } catch (const InputError&) {
    values = *reader.numbers(key);  // a list, or an InputError naming the key
  }
  std::vector<std::int64_t> levels;
  for (const auto& v : values) {
    if (v.value != std::floor(v.value) || v.value < static_cast<double>(min) || v.value > static_cast<double>(max)) {
      throw key_error(v.where, key,
                      fmt::format("each value must be a whole number in [{}, {}], got {}", min, max, v.value));
    }
    const auto level = static_cast<std::int64_t>(v.value);
    if (std::ranges::find(levels, level) != levels.end()) {
      throw key_error(v.where, key, fmt::format("{} is listed twice; remove one", level));
    }
    levels.push_back(level);
  }
  return levels;
}

// A boolean key, or `fallback` when absent.
bool flag(const TomlReader& reader, std::string_view key, bool fallback) {
  const auto value = reader.boolean(key);
  return value ? value->value : fallback;
}

// A finite number that is > 0 (when `positive`) or >= 0.
bool in_range(double value, bool positive) { return std::isfinite(value) && (positive ? value > 0 : value >= 0); }

std::string range_rule(bool positive) { return positive ? "a number > 0" : "a number >= 0"; }

// A number key (> 0 when `positive`, else >= 0), or nullopt when absent.
std::optional<double> real(const TomlReader& reader, std::string_view key, bool positive) {
  const auto value = reader.number(key);
  if (!value) return std::nullopt;
  if (!in_range(value->value, positive)) {
    throw key_error(value->where, key, fmt::format("must be {}, got {}", range_rule(positive), value->value));
  }
  return value->value;
}

// A list key that must be given.
std::vector<Located<std::string>> required_list(const TomlReader& reader, std::string_view key,
                                                std::string_view example) {
  auto list = reader.strings(key);
  if (!list) throw key_error(reader.file(), key, fmt::format("is missing; add e.g. {} = {}", key, example));
  return std::move(*list);
}

// Appends `spec`, normalised from `entry`, unless the list already holds it (an error).
void add_unique(std::vector<std::string>& specs, std::string spec, const Located<std::string>& entry,
                std::string_view key) {
  if (std::ranges::find(specs, spec) != specs.end()) {
    throw key_error(entry.where, key,
                    entry.value == spec
                        ? fmt::format("'{}' is listed twice; remove one", spec)
                        : fmt::format("'{}' is listed twice (as '{}' once normalised); remove one", entry.value, spec));
  }
  specs.push_back(std::move(spec));
}

// `precisions`: a list of fp32, bf16, fp16, int8 (a design factor); default [fp32].
std::vector<engine::Precision> read_precisions(const TomlReader& reader) {
  const auto list = reader.strings("precisions");
  if (!list) return {engine::Precision::fp32};
  if (list->empty())
    throw key_error(reader.file(), "precisions", "is empty; give e.g. precisions = [\"fp32\", \"bf16\"]");
  std::vector<engine::Precision> levels;
  for (const auto& entry : *list) {
    engine::Precision precision{};
    try {
      precision = engine::parse_precision(entry.value);
    } catch (const UsageError&) {
      throw key_error(entry.where, "precisions",
                      fmt::format("'{}' is not a precision; use fp32, bf16, fp16 (CUDA only) or int8", entry.value));
    }
    if (std::ranges::find(levels, precision) != levels.end()) {
      throw key_error(entry.where, "precisions", fmt::format("'{}' is listed twice; remove one", entry.value));
    }
    levels.push_back(precision);
  }
  return levels;
}

// A models entry: a synthetic spec, a TorchScript file (absolute), or a zoo name, classified by
// the engine's typed backend spec.
std::string model_spec(const std::string& text, const fs::path& base) {
  engine::BackendSpec spec;
  try {
    spec = engine::BackendSpec::parse_target(text);
  } catch (const InputError&) {
    throw InputError(
        fmt::format("unknown model '{}'; valid models: {} (or a TorchScript file ending in .pt or "
                    ".pth, or synthetic:alpha=MS,tau0=MS)",
                    text, engine::model_names()));
  }
  if (spec.kind != engine::BackendKind::torchscript) return spec.target();
  const auto path = resolve(base, text);
  std::error_code ignored;
  if (!fs::is_regular_file(path, ignored)) {
    throw InputError(fmt::format(
        "TorchScript file '{}' does not exist (relative paths start at the study file's folder)", path.string()));
  }
  return path.string();
}

// An arrivals spec, normalised; a relative trace file is taken from `base`.
std::string arrival_spec(std::string spec, const fs::path& base) {
  constexpr std::string_view kTrace = "trace:";
  if (spec.starts_with(kTrace)) {
    std::string_view file = std::string_view(spec).substr(kTrace.size());
    std::string_view option;
    if (const auto comma = file.rfind(','); comma != std::string_view::npos) {
      option = file.substr(comma);
      file = file.substr(0, comma);
    }
    if (!file.empty()) spec = fmt::format("{}{}{}", kTrace, resolve(base, file).string(), option);
  }
  return workload::make_arrival(spec, 0)->spec();
}

std::vector<std::string> read_models(const TomlReader& reader, const fs::path& base, bool remote) {
  std::vector<std::string> models;
  for (const auto& entry : required_list(reader, "models", "[\"alexnet\"]")) {
    std::string spec;
    try {
      // With targets, a model is its name on the servers, taken as written.
      spec = remote ? entry.value : model_spec(entry.value, base);
    } catch (const Error& e) {
      throw key_error(entry.where, "models", e.what());
    }
    add_unique(models, std::move(spec), entry, "models");
  }
  return models;
}

std::vector<std::string> read_policies(const TomlReader& reader, std::int64_t queue_capacity) {
  std::vector<std::string> policies;
  for (const auto& entry : required_list(reader, "policies", "[\"fixed:1\", \"greedy:16\"]")) {
    std::unique_ptr<batching::Policy> policy;
    try {
      policy = batching::make_policy(entry.value);
    } catch (const Error& e) {
      throw key_error(entry.where, "policies", e.what());
    }
    if (policy->max_batch() > static_cast<std::size_t>(queue_capacity)) {
      throw key_error(entry.where, "policies",
                      fmt::format("'{}' dispatches batches of up to {} requests but queue_capacity is {}; raise "
                                  "'queue_capacity' or lower the batch size",
                                  entry.value, policy->max_batch(), queue_capacity));
    }
    add_unique(policies, policy->spec(), entry, "policies");
  }
  return policies;
}

// The arrivals entries as full specs: each bare process name × each rate when `rates` is given.
std::vector<Located<std::string>> arrival_entries(const TomlReader& reader) {
  auto entries = required_list(reader, "arrivals", "[\"jitter:10\"] (or [\"jitter\"] with rates = [10])");
  const auto rates = reader.numbers("rates");
  if (!rates) return entries;
  std::vector<double> seen;
  for (const auto& rate : *rates) {
    if (!in_range(rate.value, true)) {
      throw key_error(rate.where, "rates", fmt::format("must be {}, got {}", range_rule(true), rate.value));
    }
    if (std::ranges::find(seen, rate.value) != seen.end()) {
      throw key_error(rate.where, "rates", fmt::format("{} is listed twice; remove one", rate.value));
    }
    seen.push_back(rate.value);
  }
  std::vector<Located<std::string>> expanded;
  for (const auto& entry : entries) {
    if (std::ranges::find(kRateProcesses, entry.value) == kRateProcesses.end()) {
      throw key_error(entry.where, "arrivals",
                      fmt::format("'{}': with 'rates', give bare process names ({}) that each rate completes to "
                                  "NAME:RATE; remove 'rates' to give full specs",
                                  entry.value, fmt::join(kRateProcesses, ", ")));
    }
    for (const double rate : seen) expanded.push_back({fmt::format("{}:{}", entry.value, rate), entry.where});
  }
  return expanded;
}

std::vector<std::string> read_arrivals(const TomlReader& reader, const fs::path& base) {
  std::vector<std::string> arrivals;
  for (const auto& entry : arrival_entries(reader)) {
    std::string spec;
    try {
      spec = arrival_spec(entry.value, base);
    } catch (const Error& e) {
      throw key_error(entry.where, "arrivals", e.what());
    }
    add_unique(arrivals, std::move(spec), entry, "arrivals");
  }
  return arrivals;
}

// `meter`: auto, none, or known names joined by ',' with at most one per kind of hardware.
std::string read_meter(const TomlReader& reader) {
  const auto meter = reader.string("meter");
  if (!meter) return "auto";
  try {
    return energy::MeterSelection::parse(meter->value).to_string();
  } catch (const Error& e) {
    throw key_error(meter->where, "meter", e.what());
  }
}

// `device`: cpu or cuda:N ("cuda" is normalised to "cuda:0").
std::string read_device(const TomlReader& reader) {
  const auto device = reader.string("device");
  if (!device) return "cpu";
  try {
    const auto parsed = engine::parse_device(device->value);
    return parsed.cuda ? fmt::format("cuda:{}", parsed.index) : "cpu";
  } catch (const Error&) {
    throw key_error(device->where, "device",
                    fmt::format("'{}' is not a device; use cpu, cuda or cuda:N", device->value));
  }
}

// `images`: an existing folder, absolute; empty when absent.
std::string read_images(const TomlReader& reader, const fs::path& base) {
  const auto images = reader.string("images");
  if (!images) return {};
  const auto path = resolve(base, images->value);
  std::error_code ignored;
  if (!fs::is_directory(path, ignored)) {
    throw key_error(
        images->where, "images",
        fmt::format("folder '{}' does not exist (relative paths start at the study file's folder)", path.string()));
  }
  return path.string();
}

// `weights`: "MODEL=FILE" entries, each naming a zoo model of `models` and an existing file.
std::map<std::string, std::string> read_weights(const TomlReader& reader, const fs::path& base,
                                                const std::vector<std::string>& models) {
  std::map<std::string, std::string> weights;
  const auto entries = reader.strings("weights");
  if (!entries) return weights;
  for (const auto& entry : *entries) {
    const auto equals = entry.value.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == entry.value.size()) {
      throw key_error(
          entry.where, "weights",
          fmt::format("'{}' is not MODEL=FILE; write e.g. weights = [\"resnet50=resnet50.pt\"]", entry.value));
    }
    const auto model = entry.value.substr(0, equals);
    if (std::ranges::find(models, model) == models.end() ||
        engine::BackendSpec::parse_target(model).kind != engine::BackendKind::zoo) {
      throw key_error(
          entry.where, "weights",
          fmt::format("'{}' is not a zoo model listed in 'models'; weights apply to zoo models only", model));
    }
    const auto path = resolve(base, entry.value.substr(equals + 1));
    std::error_code ignored;
    if (!fs::is_regular_file(path, ignored)) {
      throw key_error(
          entry.where, "weights",
          fmt::format("file '{}' does not exist (relative paths start at the study file's folder)", path.string()));
    }
    if (!weights.emplace(model, path.string()).second) {
      throw key_error(entry.where, "weights", fmt::format("'{}' is given weights twice; remove one", model));
    }
  }
  return weights;
}

// `targets` (servers' URLs, normalised) and how requests are sent to them; with targets the servers
// batch, so `policies` may not be given and `server_policies` (one per target) names theirs.
void read_remote(const TomlReader& reader, StudyConfig& config) {
  if (const auto targets = reader.strings("targets")) {
    for (const auto& entry : *targets) {
      std::string url;
      try {
        url = remote::parse_endpoint(entry.value).url();
      } catch (const Error& e) {
        throw key_error(entry.where, "targets", e.what());
      }
      add_unique(config.targets, std::move(url), entry, "targets");
    }
    if (config.targets.empty()) throw key_error(reader.file(), "targets", "is empty; list the servers' URLs");
  }
  if (const auto policies = reader.strings("server_policies")) {
    for (const auto& entry : *policies) config.server_policies.push_back(entry.value);
    if (config.server_policies.size() != config.targets.size()) {
      throw key_error(reader.file(), "server_policies",
                      fmt::format("has {} entries for {} targets; give one per target, in the same order",
                                  config.server_policies.size(), config.targets.size()));
    }
  }
  const bool remote = !config.targets.empty();
  for (const auto* key : {"payload", "max_in_flight", "request_timeout_ms"}) {
    if (!remote && reader.has(key)) {
      throw key_error(reader.file(), key, "applies to remote trials only; add targets = [\"http://HOST:PORT\"]");
    }
  }
  if (const auto payload = reader.string("payload")) {
    try {
      config.payload = std::string(remote::to_string(remote::parse_payload(payload->value)));
    } catch (const Error& e) {
      throw key_error(payload->where, "payload", e.what());
    }
  }
  config.max_in_flight = integer_in(reader, "max_in_flight", 1, static_cast<std::int64_t>(remote::kMaxInFlightLimit),
                                    1024);
  config.request_timeout_ms = real(reader, "request_timeout_ms", true).value_or(30000.0);
}

// `requests` or `duration_s`: exactly one of them.
void read_length(const TomlReader& reader, StudyConfig& config) {
  if (const auto requests = reader.integer("requests")) {
    if (requests->value < 1) {
      throw key_error(requests->where, "requests", fmt::format("must be a whole number >= 1, got {}", requests->value));
    }
    config.requests = requests->value;
  }
  config.duration_s = real(reader, "duration_s", true);
  if (config.requests && config.duration_s) {
    throw key_error(reader.number("duration_s")->where, "duration_s",
                    "give either 'requests' or 'duration_s', not both");
  }
  if (!config.requests && !config.duration_s) {
    throw key_error(reader.file(), "requests",
                    "is missing; give the length of each trial as requests = N or duration_s = SECONDS");
  }
}

}  // namespace

StudyConfig load_study(const fs::path& file, const std::vector<std::string>& overrides) {
  const TomlReader reader(file, overrides);
  reader.reject_unknown(kKeys);
  const auto base = fs::absolute(file).parent_path();

  StudyConfig config;
  config.file = file;
  const auto name = reader.string("name");
  if (!name) throw key_error(reader.file(), "name", "is missing; add e.g. name = \"my-study\"");
  if (name->value.empty()) throw key_error(name->where, "name", "is empty; give the study a name");
  config.name = name->value;
  config.queue_capacity = integer_in(reader, "queue_capacity", 1, std::numeric_limits<std::int64_t>::max(), 1024);
  read_remote(reader, config);
  config.models = read_models(reader, base, !config.targets.empty());
  if (config.targets.empty()) {
    config.policies = read_policies(reader, config.queue_capacity);
  } else if (reader.has("policies")) {
    throw key_error(reader.file(), "policies",
                    "does not apply with targets: the servers batch; name their batching in server_policies");
  }
  config.arrivals = read_arrivals(reader, base);
  read_length(reader, config);
  config.repetitions = static_cast<int>(integer_in(reader, "repetitions", 1, kIntMax, 1));
  config.seed = static_cast<std::uint64_t>(integer_in(reader, "seed", 0, std::numeric_limits<std::int64_t>::max(), 1));
  config.shuffle = flag(reader, "shuffle", true);
  config.warmup_batches = static_cast<int>(integer_in(reader, "warmup_batches", 0, kIntMax, 2));
  config.rest_seconds = real(reader, "rest_seconds", false).value_or(1.0);
  config.idle_seconds = real(reader, "idle_seconds", false).value_or(2.0);
  config.meter = read_meter(reader);
  if (const auto threads = integer_levels(reader, "threads", 0, kIntMax); !threads.empty()) {
    config.threads.assign(threads.begin(), threads.end());
  }
  config.precisions = read_precisions(reader);
  for (const auto khz : integer_levels(reader, "cpu_max_freqs", 1, std::numeric_limits<std::int64_t>::max())) {
    config.cpu_max_freqs.push_back(static_cast<std::uint64_t>(khz));
  }
  for (const auto watts : integer_levels(reader, "gpu_power_limits", 1, kIntMax)) {
    config.gpu_power_limits.push_back(static_cast<unsigned>(watts));
  }
  config.device = read_device(reader);
  config.weights = read_weights(reader, base, config.models);
  if (reader.has("resize")) config.resize = static_cast<int>(integer_in(reader, "resize", 1, 4096, 0));
  if (reader.has("crop")) config.crop = static_cast<int>(integer_in(reader, "crop", 1, 4096, 0));
  config.optimize = flag(reader, "optimize", true);
  config.slo_ms = real(reader, "slo_ms", true);
  config.images = read_images(reader, base);
  config.keep_requests = flag(reader, "keep_requests", true);
  config.keep_batches = flag(reader, "keep_batches", true);
  config.keep_power_trace = flag(reader, "keep_power_trace", false);
  const double trials = static_cast<double>(config.models.size()) *
                        static_cast<double>(std::max(config.policies.size(), config.targets.size())) *
                        static_cast<double>(config.arrivals.size()) * static_cast<double>(config.threads.size()) *
                        static_cast<double>(config.precisions.size()) *
                        static_cast<double>(std::max<std::size_t>(1, config.cpu_max_freqs.size())) *
                        static_cast<double>(std::max<std::size_t>(1, config.gpu_power_limits.size())) *
                        static_cast<double>(config.repetitions);
  if (trials > kMaxStudyTrials) {
    throw key_error(
        reader.file(), "repetitions",
        fmt::format(
            "the design has {:.0f} trials (models x policies x arrivals x threads x knobs x repetitions), more than "
            "the {:.0f} a study may plan; split it into several studies or shard it",
            trials, kMaxStudyTrials));
  }
  return config;
}

std::string canonical_json(const StudyConfig& config) {
  nlohmann::ordered_json json;
  json["name"] = config.name;
  json["models"] = config.models;
  json["policies"] = config.policies;
  json["arrivals"] = config.arrivals;
  json["requests"] = json_or_null(config.requests);
  json["duration_s"] = json_or_null(config.duration_s);
  json["repetitions"] = config.repetitions;
  json["seed"] = config.seed;
  json["shuffle"] = config.shuffle;
  json["warmup_batches"] = config.warmup_batches;
  json["rest_seconds"] = config.rest_seconds;
  json["idle_seconds"] = config.idle_seconds;
  json["meter"] = config.meter;
  // One thread count stays a number, so that studies written before it was a factor keep their id.
  json["threads"] = config.threads.size() == 1 ? nlohmann::ordered_json(config.threads.front())
                                               : nlohmann::ordered_json(config.threads);
  // Precisions join the id only when not the default [fp32], so older studies keep theirs.
  if (config.precisions != std::vector{engine::Precision::fp32}) {
    auto& levels = json["precisions"] = nlohmann::ordered_json::array();
    for (const auto precision : config.precisions) levels.push_back(engine::to_string(precision));
  }
  if (!config.cpu_max_freqs.empty()) json["cpu_max_freqs"] = config.cpu_max_freqs;
  if (!config.gpu_power_limits.empty()) json["gpu_power_limits"] = config.gpu_power_limits;
  json["device"] = config.device;
  // Model options join the id only when set, so studies written before they existed keep theirs.
  if (!config.weights.empty()) json["weights"] = config.weights;
  if (config.resize) json["resize"] = *config.resize;
  if (config.crop) json["crop"] = *config.crop;
  if (!config.optimize) json["optimize"] = false;
  json["slo_ms"] = json_or_null(config.slo_ms);
  json["queue_capacity"] = config.queue_capacity;
  json["images"] = config.images;
  json["keep_requests"] = config.keep_requests;
  json["keep_batches"] = config.keep_batches;
  json["keep_power_trace"] = config.keep_power_trace;
  // Remote settings join the id only when there are targets, so other studies keep theirs.
  if (!config.targets.empty()) {
    json["targets"] = config.targets;
    json["server_policies"] = config.server_policies;
    json["payload"] = config.payload;
    json["max_in_flight"] = config.max_in_flight;
    json["request_timeout_ms"] = config.request_timeout_ms;
  }
  return json.dump();
}

std::string study_id(const StudyConfig& config) { return short_hash(canonical_json(config)); }

}  // namespace greenbatch::study
