// `greenbatch classify`: top-k ImageNet classes of image files.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <nlohmann/json.hpp>

#include "backend_flags.h"
#include "commands.h"
#include "greenbatch/core/error.h"
#include "greenbatch/engine/class_names.h"
#include "greenbatch/engine/preprocess.h"
#include "greenbatch/engine/top_k.h"
#include "number_flags.h"

namespace greenbatch::cli {
namespace {

struct ClassifyFlags {
  BackendFlags backend;
  int top = 5;
  bool json = false;
  std::vector<std::string> images;
};

/// Indices of the k largest probabilities of one row, and the probabilities (softmax of logits).
std::vector<std::pair<int, double>> top_k(const float* logits, int classes, int k) {
  const float max_logit = *std::max_element(logits, logits + classes);
  double sum = 0.0;
  for (int c = 0; c < classes; ++c) sum += std::exp(logits[c] - max_logit);
  std::vector<std::pair<int, double>> best;
  for (const int c : engine::top_k_indices({logits, static_cast<std::size_t>(classes)}, k)) {
    best.emplace_back(c, std::exp(logits[c] - max_logit) / sum);
  }
  return best;
}

std::string class_label(int index, int classes) {
  const auto& names = engine::imagenet_class_names();
  if (classes == static_cast<int>(names.size())) return names[static_cast<std::size_t>(index)];
  return fmt::format("class {}", index);
}

void run_classify(const ClassifyFlags& flags) {
  const auto specs = backend_specs(flags.backend);
  if (!flags.backend.synthetic.empty()) throw UsageError("classify needs a real model: use --model or --model-file");
  if (specs.size() != 1) throw UsageError("classify takes one --model");
  const auto backend = engine::make_backend(specs.front());
  const auto info = backend->info();
  std::vector<std::filesystem::path> files(flags.images.begin(), flags.images.end());
  const auto batch = engine::preprocess_files(files, backend->preprocessing());
  const auto scores = backend->run(batch);
  const bool random_weights = info.weights.starts_with("random");

  nlohmann::ordered_json out = {{"model", info.model},
                                {"weights", info.weights},
                                {"device", info.device},
                                {"results", nlohmann::ordered_json::array()}};
  for (int i = 0; i < scores.rows; ++i) {
    const float* row = scores.values.data() + static_cast<std::size_t>(i) * static_cast<std::size_t>(scores.classes);
    auto predictions = nlohmann::ordered_json::array();
    for (const auto& [c, p] : top_k(row, scores.classes, flags.top)) {
      predictions.push_back({{"class_index", c}, {"class", class_label(c, scores.classes)}, {"probability", p}});
    }
    out["results"].push_back({{"image", flags.images[static_cast<std::size_t>(i)]}, {"top", predictions}});
  }
  if (flags.json) {
    std::cout << out.dump(2) << '\n';
    return;
  }
  if (random_weights) {
    fmt::print(stderr,
               "note: {} has random weights ({}), so these classes are meaningless; pass --weights FILE "
               "exported from torchvision for real predictions\n",
               info.model, info.weights);
  }
  for (const auto& result : out["results"]) {
    fmt::print("{}\n", result["image"].get<std::string>());
    for (const auto& p : result["top"]) {
      fmt::print("  {:6.2f}%  {} ({})\n", 100.0 * p["probability"].get<double>(), p["class"].get<std::string>(),
                 p["class_index"].get<int>());
    }
  }
}

}  // namespace

void add_classify_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("classify", "Top-k ImageNet classes of JPEG/PNG images");
  auto flags = std::make_shared<ClassifyFlags>();
  add_backend_flags(*cmd, flags->backend, /*several_models=*/false, /*synthetic=*/false);
  add_number_option(*cmd, "--top,-k", flags->top, "classes to show per image", NumberRange::between(1, 1000));
  cmd->add_flag("--json", flags->json, "print JSON");
  cmd->add_option("images", flags->images, "image files (JPEG or PNG)")->required();
  cmd->callback([flags] { run_classify(*flags); });
}

}  // namespace greenbatch::cli
