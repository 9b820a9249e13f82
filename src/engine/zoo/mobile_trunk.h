#pragma once
/// Internal to engine: the "features" of MobileNetV2, MobileNetV3 and EfficientNet — a stem
/// conv-norm-activation, a chain of inverted-residual blocks, and a 1x1 head conv-norm-activation.

#include <torch/torch.h>

#include <vector>

#include "blocked_layout.h"
#include "layers.h"

namespace greenbatch::engine::zoo {

/// The layers, held typed; the owning model registers them under torchvision's names.
/// `Block` is a module holder whose forward maps a tensor to a tensor and that has fuse().
template <class Block>
struct MobileTrunk {
  ConvNormAct stem{nullptr};  ///< features.0
  std::vector<Block> blocks;  ///< the blocks of every stage, in order
  ConvNormAct head{nullptr};  ///< the last features entry
  /// Once fused, float32 CPU batches run in oneDNN's blocked layout (every layer's activation
  /// and the blocks' own operations must have blocked-layout kernels). MobileNetV2 sets it: 1-33 %
  /// more images/s than channels-last at batch 1 to 32, most at small batches.
  bool blocked_layout = false;

  /// Globally average-pooled head features of `x`: [N, head channels].
  torch::Tensor pooled(torch::Tensor x) {
    const bool blocked = blocked_layout && runs_in_blocked_layout(x);
    x = stem->forward(blocked ? x.to_mkldnn() : x);
    for (auto& block : blocks) x = block->forward(x);
    x = head->forward(x);
    return blocked ? global_average_blocked(x) : x.mean({2, 3});
  }

  /// Folds every batch norm into its convolution.
  void fuse() {
    stem->fuse();
    for (auto& block : blocks) block->fuse();
    head->fuse();
  }
};

}  // namespace greenbatch::engine::zoo
