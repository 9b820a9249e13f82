// Loading a model in int8: the quantized engine, quantized TorchScript files, calibration of zoo networks.
#include "torch_int8.h"

#include <algorithm>
#include <stdexcept>
#include <string_view>

#include "greenbatch/core/error.h"
#include "greenbatch/engine/precision.h"
#include "greenbatch/engine/preprocess.h"
#include "zoo/int8.h"

namespace greenbatch::engine {
namespace {

// True when `block` or a block inside it calls a quantized operator.
bool calls_quantized_ops(const torch::jit::Block& block) {
  for (const auto* node : block.nodes()) {
    const std::string_view kind = node->kind().toQualString();
    if (kind.starts_with("quantized::") || kind.starts_with("aten::quantize_per_")) return true;
    for (const auto* inner : node->blocks()) {
      if (calls_quantized_ops(*inner)) return true;
    }
  }
  return false;
}

// Generated photos that calibrate int8 activation ranges: drawn with another seed than the
// agreement check's (precision_check.h), so that agreement is measured on images calibration did
// not see.
constexpr int kCalibrationImages = 16;
constexpr int kCalibrationBatch = 8;
constexpr std::uint64_t kCalibrationSeed = 2;

}  // namespace

bool is_quantized(const torch::jit::Module& module) {
  for (const auto& sub : module.modules()) {
    for (const auto& method : sub.get_methods()) {
      if (calls_quantized_ops(*method.graph()->block())) return true;
    }
  }
  return false;
}

void use_int8_engine(const std::string& label) {
  if (!zoo::use_onednn_quantized_engine()) {
    throw UnsupportedError("--precision int8 for " + label + ": this LibTorch (" + torch_version() +
                           ") has no oneDNN quantized engine; use --precision fp32 or bf16");
  }
}

void quantize_zoo_net(zoo::ZooNet& net, const std::string& name, const Preprocessing& preprocessing) {
  const auto models = int8_zoo_models();
  if (std::ranges::find(models, name) == models.end()) {
    throw std::logic_error("quantize_zoo_net: " + name + " has no int8 layers (check_precision refuses it)");
  }
  net.prepare_int8();
  c10::InferenceMode inference;
  auto batch = preprocess_generated_images(kCalibrationImages, preprocessing, kCalibrationSeed);
  const auto images = torch::from_blob(batch.data.data(),
                                       {kCalibrationImages, 3, preprocessing.crop, preprocessing.crop});
  zoo::Int8Calibration calibration;
  for (int start = 0; start < kCalibrationImages; start += kCalibrationBatch) {
    (void)net.forward(images.narrow(0, start, kCalibrationBatch).contiguous(torch::MemoryFormat::ChannelsLast));
  }
  (void)calibration.finish();
}

}  // namespace greenbatch::engine
