// `greenbatch models`: the zoo table with counted parameters and FLOPs.
#include <array>
#include <iostream>

#include "commands.h"
#include "greenbatch/engine/model_catalog.h"
#include "greenbatch/engine/zoo.h"
#include "output.h"

namespace greenbatch::cli {
namespace {

/// One line of the models table: published facts plus counts from the built network.
struct ModelRow {
  engine::ModelInfo info;       ///< published facts
  engine::ZooModelStats stats;  ///< counted from the built network
};

using R = ModelRow;
constexpr std::array<Field<R>, 11> kModelFields{{
    {"name", "", "zoo name", [](const R& r) -> FieldValue { return r.info.name; }},
    {"year", "", "year of publication", [](const R& r) -> FieldValue { return std::int64_t{r.info.year}; }},
    {"params", "", "parameters (counted; equals the published count)",
     [](const R& r) -> FieldValue { return r.stats.params; }},
    {"gflops", "GFLOP", "FLOPs per image at the input size (2 x multiply-accumulates)",
     [](const R& r) -> FieldValue { return r.stats.flops / 1e9; }},
    {"top1", "%", "ImageNet-1K top-1 accuracy of torchvision's weights",
     [](const R& r) -> FieldValue { return r.info.top1; }},
    {"top5", "%", "ImageNet-1K top-5 accuracy", [](const R& r) -> FieldValue { return r.info.top5; }},
    {"input_size", "px", "square input (crop) size",
     [](const R& r) -> FieldValue { return std::int64_t{r.info.preprocessing.crop}; }},
    {"resize", "px", "shorter side before cropping",
     [](const R& r) -> FieldValue { return std::int64_t{r.info.preprocessing.resize}; }},
    {"interpolation", "", "resize filter",
     [](const R& r) -> FieldValue { return std::string(engine::to_string(r.info.preprocessing.interpolation)); }},
    {"study_preset", "", "one of the five models of the batching study",
     [](const R& r) -> FieldValue { return r.info.study_preset; }},
    {"published_params", "", "parameter count published with torchvision's weights",
     [](const R& r) -> FieldValue { return r.info.params; }},
}};

/// Field table of ModelRow (found by store::to_table).
FieldTable<ModelRow> fields(const ModelRow*) { return kModelFields; }

}  // namespace

void add_models_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("models", "List the model zoo: year, parameters, FLOPs, accuracy, input size");
  struct Flags {
    bool json = false;
    bool csv = false;
    bool study_preset = false;
    bool names = false;
  };
  auto flags = std::make_shared<Flags>();
  cmd->add_flag("--json", flags->json, "print JSON");
  cmd->add_flag("--csv", flags->csv, "print CSV");
  cmd->add_flag("--study-preset", flags->study_preset, "only the five models of the batching study");
  cmd->add_flag("--names", flags->names, "print only the names, comma separated (no counting)");
  cmd->callback([flags] {
    const auto format = pick_format(flags->json, flags->csv);
    std::vector<engine::ModelInfo> chosen;
    for (const auto& info : engine::model_catalog()) {
      if (info.study_preset || !flags->study_preset) chosen.push_back(info);
    }
    if (flags->names) {
      for (std::size_t i = 0; i < chosen.size(); ++i) std::cout << (i ? "," : "") << chosen[i].name;
      std::cout << '\n';
      return;
    }
    std::vector<ModelRow> rows;
    for (const auto& info : chosen) rows.push_back({info, engine::count_zoo_model(info.name)});
    print(std::cout, store::to_table(rows), format,
          {"name", "year", "params", "gflops", "top1", "top5", "input_size", "study_preset"});
  });
}

}  // namespace greenbatch::cli
