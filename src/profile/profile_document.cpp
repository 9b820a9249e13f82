// Writing and reading the profile document (format "greenbatch-profile", versions 1 and 2).
#include "greenbatch/profile/profile_document.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <type_traits>
#include <variant>

#include <nlohmann/json.hpp>

#include "greenbatch/core/error.h"

namespace greenbatch::profile {
namespace {

using Json = nlohmann::ordered_json;

Json to_json(const FieldValue& value) {
  return std::visit(
      [](const auto& v) -> Json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<T, double>) {
          return std::isfinite(v) ? Json(v) : Json();
        } else {
          return v;
        }
      },
      value);
}

Json optional_json(const std::optional<double>& value) { return value ? Json(*value) : Json(); }

Json cell_json(const ProfileRecord& r) {
  Json cell = Json::object();
  for (const auto& field : fields(static_cast<const ProfileRecord*>(nullptr))) {
    cell[std::string(field.name)] = to_json(field.get(r));
  }
  cell["latency_samples_ms"] = r.latency_samples_ms;
  std::optional<double> energy, dynamic;
  if (r.energy_per_image_j) energy = *r.energy_per_image_j * r.batch_size;
  if (r.dynamic_energy_per_image_j) dynamic = *r.dynamic_energy_per_image_j * r.batch_size;
  cell["energy_per_batch_j"] = optional_json(energy);
  cell["dynamic_energy_per_batch_j"] = optional_json(dynamic);
  Json gaps = Json::array();
  for (const auto& g : r.idle_gaps) {
    gaps.push_back({{"gap_ms", g.gap_ms},
                    {"latency_samples_ms", g.latency_samples_ms},
                    {"energy_per_batch_j", optional_json(g.energy_per_batch_j)}});
  }
  cell["idle_gaps"] = std::move(gaps);
  return cell;
}

// Reads members of one JSON object, naming the file and the object in every error.
class Reader {
 public:
  Reader(const Json& object, std::string where) : object_(object), where_(std::move(where)) {}

  [[nodiscard]] const Json& member(const char* key) const {
    const auto it = object_.find(key);
    if (it == object_.end()) fail(key, "is missing");
    return *it;
  }
  [[nodiscard]] std::string text(const char* key) const {
    const auto& v = member(key);
    if (!v.is_string()) fail(key, "must be a string");
    return v.get<std::string>();
  }
  [[nodiscard]] double number(const char* key) const {
    const auto& v = member(key);
    if (!v.is_number() || !std::isfinite(v.get<double>())) fail(key, "must be a number");
    return v.get<double>();
  }
  [[nodiscard]] std::int64_t integer(const char* key) const {
    const auto& v = member(key);
    if (!v.is_number_integer()) fail(key, "must be a whole number");
    return v.get<std::int64_t>();
  }
  [[nodiscard]] bool flag(const char* key) const {
    const auto& v = member(key);
    if (!v.is_boolean()) fail(key, "must be true or false");
    return v.get<bool>();
  }
  [[nodiscard]] std::optional<double> optional_number(const char* key) const {
    const auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) return std::nullopt;
    return number(key);
  }
  // A power knob's value: unset when absent or null, else a whole number in 1..T's maximum.
  template <class T>
  [[nodiscard]] std::optional<T> knob(const char* key) const {
    const auto it = object_.find(key);
    if (it == object_.end() || it->is_null()) return std::nullopt;
    const auto value = integer(key);
    if (value < 1 || static_cast<std::uint64_t>(value) > std::numeric_limits<T>::max()) {
      fail(key, "must be a whole number >= 1, or null when the knob was not set");
    }
    return static_cast<T>(value);
  }
  [[nodiscard]] std::vector<double> samples(const char* key) const {
    const auto& v = member(key);
    if (!v.is_array() || v.empty()) fail(key, "must be a non-empty array of latencies in ms");
    std::vector<double> out;
    out.reserve(v.size());
    for (const auto& x : v) {
      if (!x.is_number() || !std::isfinite(x.get<double>()) || x.get<double>() < 0.0) {
        fail(key, "must hold only latencies >= 0 ms");
      }
      out.push_back(x.get<double>());
    }
    return out;
  }
  [[noreturn]] void fail(const char* key, const std::string& problem) const {
    throw InputError(fmt::format("{}: \"{}\" {}; write the document again with greenbatch profile ... --out FILE.json",
                                 where_, key, problem));
  }

 private:
  const Json& object_;
  std::string where_;
};

// The idle-gap cells of a version-2 cell: ascending, distinct gaps > 0 ms.
std::vector<IdleGapSamples> read_idle_gaps(const Reader& cell, const std::string& where) {
  const auto& list = cell.member("idle_gaps");
  if (!list.is_array()) cell.fail("idle_gaps", "must be an array (empty when no idle gaps were measured)");
  std::vector<IdleGapSamples> gaps;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto at = fmt::format("{}, idle_gaps[{}]", where, i);
    if (!list[i].is_object()) throw InputError(at + " is not a JSON object");
    const Reader r(list[i], at);
    IdleGapSamples g;
    g.gap_ms = r.number("gap_ms");
    if (!(g.gap_ms > 0.0)) r.fail("gap_ms", "must be > 0 ms (gap 0 is the cell's own back-to-back batches)");
    if (!gaps.empty() && !(g.gap_ms > gaps.back().gap_ms)) r.fail("gap_ms", "must be larger than the previous gap's");
    g.latency_samples_ms = r.samples("latency_samples_ms");
    g.energy_per_batch_j = r.optional_number("energy_per_batch_j");
    if (g.energy_per_batch_j && !(*g.energy_per_batch_j >= 0.0)) r.fail("energy_per_batch_j", "must be >= 0 J");
    gaps.push_back(std::move(g));
  }
  return gaps;
}

ProfileCell read_cell(const Json& json, const std::string& where, int version) {
  if (!json.is_object()) throw InputError(where + " is not a JSON object");
  const Reader r(json, where);
  ProfileCell c;
  c.model = r.text("model");
  c.backend = r.text("backend");
  c.device = r.text("device");
  c.threads = static_cast<int>(r.integer("threads"));
  c.weights = r.text("weights");
  if (json.contains("precision")) c.precision = r.text("precision");
  c.knobs.cpu_max_freq_khz = r.knob<std::uint64_t>("cpu_max_freq_khz");
  c.knobs.gpu_power_limit_w = r.knob<unsigned>("gpu_power_limit_w");
  c.knobs.gpu_clocks_mhz = r.knob<unsigned>("gpu_clocks_mhz");
  const auto batch = r.integer("batch_size");
  if (batch < 1 || batch > 1'000'000) r.fail("batch_size", "must be a batch size >= 1");
  c.batch_size = static_cast<int>(batch);
  c.includes_preprocess = r.flag("includes_preprocess");
  c.latency_mean_ms = r.number("latency_mean_ms");
  c.latency_samples_ms = r.samples("latency_samples_ms");
  c.energy_per_batch_j = r.optional_number("energy_per_batch_j");
  c.dynamic_energy_per_batch_j = r.optional_number("dynamic_energy_per_batch_j");
  // The figures must agree with each other and with physics: a hand-edited or damaged document
  // would otherwise give negative joules per request, or a mean the samples do not have.
  double sum = 0.0;
  for (const double x : c.latency_samples_ms) sum += x;
  const double mean = sum / static_cast<double>(c.latency_samples_ms.size());
  if (!(std::abs(c.latency_mean_ms - mean) <= 0.01 * mean + 1e-6)) {
    r.fail("latency_mean_ms",
           fmt::format("is {:g} ms, but its latency_samples_ms average {:g} ms", c.latency_mean_ms, mean));
  }
  if (c.energy_per_batch_j && !(*c.energy_per_batch_j >= 0.0)) r.fail("energy_per_batch_j", "must be >= 0 J");
  if (c.dynamic_energy_per_batch_j && c.energy_per_batch_j && *c.dynamic_energy_per_batch_j > *c.energy_per_batch_j) {
    r.fail("dynamic_energy_per_batch_j", "must not exceed energy_per_batch_j");
  }
  if (version >= 2) c.idle_gaps = read_idle_gaps(r, where);
  return c;
}

}  // namespace

void write_profile_document(std::ostream& out, const std::vector<ProfileRecord>& records,
                            const std::string& environment_json) {
  Json document = Json::object();
  document["format"] = kProfileFormat;
  document["version"] = kProfileVersion;
  document["environment"] = Json::parse(environment_json);
  document["idle_power_w"] = records.empty() ? Json() : optional_json(records.front().idle_power_w);
  document["energy_source"] = records.empty() ? "none" : records.front().energy_source;
  Json cells = Json::array();
  for (const auto& r : records) cells.push_back(cell_json(r));
  document["cells"] = std::move(cells);
  out << document.dump(2) << '\n';
}

ProfileDocument read_profile_document(std::istream& in, const std::string& name) {
  const auto json = Json::parse(in, nullptr, /*allow_exceptions=*/false);
  const std::string fix = "write one with greenbatch profile ... --out FILE.json";
  if (json.is_discarded())
    throw InputError(fmt::format("profile '{}' is not valid JSON (truncated or damaged?); {}", name, fix));
  if (json.is_array()) {
    throw InputError(
        fmt::format("profile '{}' is a plain table of profile rows (an older --out or --json output) "
                    "without latency samples; {}",
                    name, fix));
  }
  if (!json.is_object() || !json.contains("format") || json["format"] != kProfileFormat) {
    throw InputError(fmt::format("profile '{}' is not a profile document (\"format\" is not \"{}\"); {}", name,
                                 kProfileFormat, fix));
  }
  const Reader top(json, fmt::format("profile '{}'", name));
  const auto version = top.integer("version");
  if (version < kOldestProfileVersion || version > kProfileVersion) {
    throw InputError(fmt::format("profile '{}' is version {}; this build reads versions {} to {}; {}", name, version,
                                 kOldestProfileVersion, kProfileVersion, fix));
  }
  ProfileDocument document;
  document.path = name;
  document.version = static_cast<int>(version);
  document.environment_json = top.member("environment").dump();
  document.idle_power_w = top.optional_number("idle_power_w");
  if (document.idle_power_w && !(*document.idle_power_w >= 0.0)) top.fail("idle_power_w", "must be >= 0 W");
  document.energy_source = top.text("energy_source");
  const auto& cells = top.member("cells");
  if (!cells.is_array() || cells.empty()) top.fail("cells", "must be a non-empty array");
  for (std::size_t i = 0; i < cells.size(); ++i) {
    document.cells.push_back(read_cell(cells[i], fmt::format("profile '{}', cell {}", name, i), document.version));
  }
  return document;
}

ProfileDocument load_profile_document(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(fmt::format("profile '{}' cannot be opened: check the path", path));
  return read_profile_document(in, path);
}

std::vector<ProfileCell> model_cells(const ProfileDocument& document, const std::string& model) {
  std::set<std::string> models;
  for (const auto& c : document.cells) models.insert(c.model);
  const auto list = fmt::format("{}", fmt::join(models, ", "));
  if (model.empty() && models.size() > 1) {
    throw InputError(
        fmt::format("profile '{}' holds several models ({}); choose one with --model", document.path, list));
  }
  const std::string chosen = model.empty() ? *models.begin() : model;
  if (!models.contains(chosen)) {
    throw InputError(fmt::format("profile '{}' has no cells of model '{}'; it has: {}", document.path, chosen, list));
  }
  std::vector<ProfileCell> cells;
  std::ranges::copy_if(document.cells, std::back_inserter(cells), [&](const auto& c) { return c.model == chosen; });
  std::ranges::sort(cells, {}, &ProfileCell::batch_size);
  for (std::size_t i = 1; i < cells.size(); ++i) {
    if (cells[i].batch_size == cells[i - 1].batch_size) {
      throw InputError(fmt::format("profile '{}' has two cells of model '{}' at batch size {}; keep one", document.path,
                                   chosen, cells[i].batch_size));
    }
  }
  return cells;
}

}  // namespace greenbatch::profile
