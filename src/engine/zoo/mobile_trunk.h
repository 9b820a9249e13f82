#pragma once
/// Internal to engine: the "features" of MobileNetV2, MobileNetV3 and EfficientNet — a stem
/// conv-norm-activation, a chain of inverted-residual blocks, and a 1x1 head conv-norm-activation.

#include <torch/torch.h>

#include <vector>

#include "layers.h"

namespace greenbatch::engine::zoo {

/// The layers, held typed; the owning model registers them under torchvision's names.
/// `Block` is a module holder whose forward maps a tensor to a tensor and that has fuse().
template <class Block>
struct MobileTrunk {
  ConvNormAct stem{nullptr};  ///< features.0
  std::vector<Block> blocks;  ///< the blocks of every stage, in order
  ConvNormAct head{nullptr};  ///< the last features entry

  /// Globally average-pooled head features of `x`: [N, head channels].
  torch::Tensor pooled(torch::Tensor x) {
    x = stem->forward(x);
    for (auto& block : blocks) x = block->forward(x);
    return head->forward(x).mean({2, 3});
  }

  /// Folds every batch norm into its convolution.
  void fuse() {
    stem->fuse();
    for (auto& block : blocks) block->fuse();
    head->fuse();
  }
};

}  // namespace greenbatch::engine::zoo
