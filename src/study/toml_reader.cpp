// Reading a study's TOML file and its overrides with toml++, every value paired with its place.
#include "toml_reader.h"

#include <algorithm>
#include <numeric>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

namespace greenbatch::study {
namespace {

// The number of single-character edits that turn `a` into `b` (Levenshtein).
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
    }
  }
  return row[b.size()];
}

// The known key closest to `key`: within two edits, else one that starts with it or that it
// starts with; empty when none is close.
std::string_view closest(std::string_view key, std::span<const std::string_view> known) {
  std::string_view best;
  std::size_t best_distance = 3;
  for (const auto candidate : known) {
    const auto distance = edit_distance(key, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  if (!best.empty() || key.empty()) return best;
  const auto prefix = std::ranges::find_if(
      known, [&](std::string_view candidate) { return candidate.starts_with(key) || key.starts_with(candidate); });
  return prefix == known.end() ? std::string_view{} : *prefix;
}

std::string_view type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::none:
      return "nothing";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
  }
  return "a value";
}

std::string expected(std::string_view what, const toml::node& node) {
  return fmt::format("expected {}, got {}", what, type_name(node));
}

std::string position(std::string_view file, const toml::source_region& region) {
  return fmt::format("{}:{}:{}", file, region.begin.line, region.begin.column);
}

// An integer or floating-point node as a double; nullopt for any other type.
std::optional<double> as_number(const toml::node& node) {
  if (const auto* integer = node.as_integer()) return static_cast<double>(integer->get());
  if (const auto* real = node.as_floating_point()) return real->get();
  return std::nullopt;
}

}  // namespace

InputError key_error(std::string_view where, std::string_view key, std::string_view problem) {
  return InputError(fmt::format("{}: key '{}': {}", where, key, problem));
}

struct TomlReader::Impl {
  // One override: its text as given and its one-key document.
  struct Override {
    std::string text;
    toml::table table;
  };
  // A key's node and the override that set it (null when the file did).
  struct Found {
    const toml::node* node = nullptr;
    const Override* origin = nullptr;
  };

  std::string file;
  toml::table document;
  std::vector<Override> overrides;

  [[nodiscard]] Found find(std::string_view key) const {
    for (auto it = overrides.rbegin(); it != overrides.rend(); ++it) {
      if (const auto* node = it->table.get(key)) return {node, &*it};
    }
    return {document.get(key), nullptr};
  }

  // Where `node` (the value found, or one of its entries) was written.
  [[nodiscard]] std::string where(const Found& found, const toml::node& node) const {
    if (found.origin != nullptr) return fmt::format("override '{}'", found.origin->text);
    return position(file, node.source());
  }

  // The array of `key` with each entry converted by `convert` (nullopt: the wrong type).
  template <typename T, typename Convert>
  std::optional<std::vector<Located<T>>> list(std::string_view key, std::string_view entry_type,
                                              std::string_view array_type, Convert convert) const {
    const auto found = find(key);
    if (found.node == nullptr) return std::nullopt;
    const auto place = where(found, *found.node);
    const auto* array = found.node->as_array();
    if (array == nullptr) throw key_error(place, key, expected(array_type, *found.node));
    if (array->empty()) throw key_error(place, key, "the list is empty; give at least one entry");
    std::vector<Located<T>> entries;
    for (std::size_t i = 0; i < array->size(); ++i) {
      const auto& entry = *array->get(i);
      auto value = convert(entry);
      if (!value) {
        throw key_error(where(found, entry), key,
                        fmt::format("entry {} is {}; expected {}", i + 1, type_name(entry), entry_type));
      }
      entries.push_back({std::move(*value), where(found, entry)});
    }
    return entries;
  }
};

TomlReader::TomlReader(const std::filesystem::path& file, const std::vector<std::string>& overrides)
    : impl_(std::make_unique<Impl>()) {
  impl_->file = file.string();
  std::error_code ignored;
  if (!std::filesystem::is_regular_file(file, ignored)) {
    throw InputError(fmt::format("study file '{}' does not exist or is not a file; check the path", impl_->file));
  }
  try {
    impl_->document = toml::parse_file(impl_->file);
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("{}: {}", position(impl_->file, e.source()), e.description()));
  }
  for (const auto& text : overrides) {
    const auto eq = text.find('=');
    if (eq == std::string::npos) {
      throw UsageError(
          fmt::format("override '{}' is not KEY=VALUE; write e.g. requests=5 or models=[\"alexnet\"]", text));
    }
    const auto document = fmt::format("{} = {}", text.substr(0, eq), text.substr(eq + 1));
    try {
      impl_->overrides.push_back({text, toml::parse(document, std::string_view("override"))});
    } catch (const toml::parse_error& e) {
      throw UsageError(fmt::format("override '{}' is not valid TOML: {} (strings need quotes, e.g. meter=\"rapl\")",
                                   text, e.description()));
    }
  }
}

TomlReader::~TomlReader() = default;

const std::string& TomlReader::file() const { return impl_->file; }

void TomlReader::reject_unknown(std::span<const std::string_view> known) const {
  const auto check = [&](std::string_view key, const std::string& where) {
    if (std::ranges::find(known, key) != known.end()) return;
    const auto suggestion = closest(key, known);
    if (!suggestion.empty()) throw key_error(where, key, fmt::format("unknown key; did you mean '{}'?", suggestion));
    throw key_error(where, key, fmt::format("unknown key; valid keys: {}", fmt::join(known, ", ")));
  };
  for (const auto& [key, node] : impl_->document) check(key.str(), position(impl_->file, key.source()));
  for (const auto& override_entry : impl_->overrides) {
    for (const auto& [key, node] : override_entry.table) {
      check(key.str(), fmt::format("override '{}'", override_entry.text));
    }
  }
}

bool TomlReader::has(std::string_view key) const { return impl_->find(key).node != nullptr; }

std::optional<Located<std::string>> TomlReader::string(std::string_view key) const {
  const auto found = impl_->find(key);
  if (found.node == nullptr) return std::nullopt;
  auto where = impl_->where(found, *found.node);
  if (const auto* value = found.node->as_string()) return Located<std::string>{value->get(), std::move(where)};
  throw key_error(where, key, expected("a string", *found.node));
}

std::optional<Located<std::int64_t>> TomlReader::integer(std::string_view key) const {
  const auto found = impl_->find(key);
  if (found.node == nullptr) return std::nullopt;
  auto where = impl_->where(found, *found.node);
  if (const auto* value = found.node->as_integer()) return Located<std::int64_t>{value->get(), std::move(where)};
  throw key_error(where, key, expected("an integer", *found.node));
}

std::optional<Located<double>> TomlReader::number(std::string_view key) const {
  const auto found = impl_->find(key);
  if (found.node == nullptr) return std::nullopt;
  auto where = impl_->where(found, *found.node);
  if (const auto value = as_number(*found.node)) return Located<double>{*value, std::move(where)};
  throw key_error(where, key, expected("a number", *found.node));
}

std::optional<Located<bool>> TomlReader::boolean(std::string_view key) const {
  const auto found = impl_->find(key);
  if (found.node == nullptr) return std::nullopt;
  auto where = impl_->where(found, *found.node);
  if (const auto* value = found.node->as_boolean()) return Located<bool>{value->get(), std::move(where)};
  throw key_error(where, key, expected("a boolean (true or false)", *found.node));
}

std::optional<std::vector<Located<std::string>>> TomlReader::strings(std::string_view key) const {
  const auto as_string = [](const toml::node& node) -> std::optional<std::string> {
    if (const auto* value = node.as_string()) return value->get();
    return std::nullopt;
  };
  return impl_->list<std::string>(key, "a string", "an array of strings", as_string);
}

std::optional<std::vector<Located<double>>> TomlReader::numbers(std::string_view key) const {
  return impl_->list<double>(key, "a number", "an array of numbers", as_number);
}

}  // namespace greenbatch::study
