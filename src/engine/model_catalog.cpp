// The zoo table, parsed from the embedded data/imagenet_models.csv.
#include "greenbatch/engine/model_catalog.h"

#include <charconv>
#include <sstream>
#include <string>

#include "../core/embedded.h"
#include "greenbatch/core/error.h"

namespace greenbatch::engine {
namespace {

std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto end = text.find(sep, start);
    parts.emplace_back(text.substr(start, end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

std::array<float, 3> parse_triple(const std::string& text) {
  std::array<float, 3> values{};
  std::istringstream in(text);
  for (auto& v : values) in >> v;
  return values;
}

ModelInfo parse_row(const std::vector<std::string>& f) {
  // model,year,study_preset,params,top1,top5,resize,crop,interpolation,mean,std
  ModelInfo m;
  m.name = f.at(0);
  m.year = std::stoi(f.at(1));
  m.study_preset = f.at(2) == "yes";
  m.params = std::stoll(f.at(3));
  m.top1 = std::stod(f.at(4));
  m.top5 = std::stod(f.at(5));
  m.preprocessing.resize = std::stoi(f.at(6));
  m.preprocessing.crop = std::stoi(f.at(7));
  m.preprocessing.interpolation = parse_interpolation(f.at(8));
  m.preprocessing.mean = parse_triple(f.at(9));
  m.preprocessing.std = parse_triple(f.at(10));
  return m;
}

std::vector<ModelInfo> parse_catalog() {
  std::vector<ModelInfo> models;
  const auto lines = split(embedded::imagenet_models_csv(), '\n');
  for (std::size_t i = 1; i < lines.size(); ++i) {  // line 0 is the header
    if (lines[i].empty()) continue;
    models.push_back(parse_row(split(lines[i], ',')));
  }
  return models;
}

}  // namespace

Interpolation parse_interpolation(std::string_view text) {
  if (text == "bilinear") return Interpolation::bilinear;
  if (text == "bicubic") return Interpolation::bicubic;
  throw InputError("unknown interpolation '" + std::string(text) + "'; use bilinear or bicubic");
}

std::string_view to_string(Interpolation interpolation) {
  return interpolation == Interpolation::bicubic ? "bicubic" : "bilinear";
}

const std::vector<ModelInfo>& model_catalog() {
  static const std::vector<ModelInfo> catalog = parse_catalog();
  return catalog;
}

std::string model_names() {
  std::string names;
  for (const auto& m : model_catalog()) {
    if (!names.empty()) names += ", ";
    names += m.name;
  }
  return names;
}

const ModelInfo& find_model(std::string_view name) {
  for (const auto& m : model_catalog()) {
    if (m.name == name) return m;
  }
  throw InputError("unknown model '" + std::string(name) + "'; valid models: " + model_names() +
                   " (or run any TorchScript module with --model-file FILE)");
}

std::vector<std::string> study_preset_models() {
  std::vector<std::string> names;
  for (const auto& m : model_catalog()) {
    if (m.study_preset) names.push_back(m.name);
  }
  return names;
}

}  // namespace greenbatch::engine
