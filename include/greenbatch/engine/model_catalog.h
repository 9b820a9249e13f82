#pragma once
/// The facts of the model zoo (year, accuracy, parameter count, preprocessing) as published with
/// torchvision's weights. The table ships inside the binary from data/imagenet_models.csv.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace greenbatch::engine {

/// Resampling filter used when resizing an image.
enum class Interpolation { bilinear, bicubic };

/// Parses "bilinear" or "bicubic"; throws InputError otherwise.
Interpolation parse_interpolation(std::string_view text);
/// The lowercase name of an interpolation.
std::string_view to_string(Interpolation interpolation);

/// How an image becomes a model input: shorter side resized, centre-cropped, normalised.
struct Preprocessing {
  int resize = 256;                                       ///< shorter side after resizing, pixels
  int crop = 224;                                         ///< side of the square centre crop, pixels
  Interpolation interpolation = Interpolation::bilinear;  ///< resize filter
  std::array<float, 3> mean{0.485F, 0.456F, 0.406F};      ///< per-channel mean (RGB, 0..1 scale)
  std::array<float, 3> std{0.229F, 0.224F, 0.225F};       ///< per-channel standard deviation
};

/// One row of the zoo table.
struct ModelInfo {
  std::string name;             ///< torchvision's name, e.g. "shufflenet_v2_x1_0"
  int year = 0;                 ///< year of publication
  bool study_preset = false;    ///< one of the five models of the batching study
  std::int64_t params = 0;      ///< exact number of parameters
  double top1 = 0.0;            ///< ImageNet-1K top-1 accuracy with torchvision's weights, %
  double top5 = 0.0;            ///< ImageNet-1K top-5 accuracy, %
  Preprocessing preprocessing;  ///< input preprocessing the weights expect
};

/// Every zoo model in table order (by year). Thread-safe; parsed once.
const std::vector<ModelInfo>& model_catalog();

/// The zoo model called `name`; throws InputError listing the valid names when there is none.
const ModelInfo& find_model(std::string_view name);

/// Names of all zoo models, comma separated, for error messages and help text.
std::string model_names();

/// The five models of the study preset, in table order.
std::vector<std::string> study_preset_models();

}  // namespace greenbatch::engine
