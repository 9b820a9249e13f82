// Parsing and naming precisions.
#include "greenbatch/engine/precision.h"

#include <array>

#include "greenbatch/core/error.h"

namespace greenbatch::engine {

Precision parse_precision(std::string_view text) {
  if (text == "fp32") return Precision::fp32;
  if (text == "bf16") return Precision::bf16;
  if (text == "fp16") return Precision::fp16;
  if (text == "int8") return Precision::int8;
  throw UsageError("precision '" + std::string(text) + "': use fp32, bf16, fp16 (CUDA only) or int8");
}

std::string to_string(Precision precision) {
  switch (precision) {
    case Precision::fp32:
      return "fp32";
    case Precision::bf16:
      return "bf16";
    case Precision::fp16:
      return "fp16";
    case Precision::int8:
      return "int8";
  }
  return "fp32";
}

std::span<const std::string_view> int8_zoo_models() {
  static constexpr std::array<std::string_view, 6> kModels{"googlenet",       "resnet50",     "inception_v3",
                                                           "resnext50_32x4d", "mobilenet_v2", "mnasnet1_0"};
  return kModels;
}

}  // namespace greenbatch::engine
