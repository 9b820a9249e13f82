#pragma once
/// Internal to engine: the common base of every zoo network.

#include <torch/torch.h>

#include <memory>
#include <string_view>

namespace greenbatch::engine::zoo {

/// A zoo network whose parameter and buffer names and shapes equal the keys of torchvision's
/// state_dict for the same model, so torchvision weights copy in by name.
class ZooNet : public torch::nn::Module {
 public:
  /// Maps a preprocessed NCHW float batch to [N, 1000] logits (eval mode; aux heads unused).
  virtual torch::Tensor forward(torch::Tensor x) = 0;
  /// Rewrites the network for inference once its weights are final, e.g. folds batch norm into
  /// the convolution before it. Must not change the logits beyond float rounding. Default: no-op.
  virtual void fuse_for_inference() {}
  /// Readies a fused network of engine::int8_zoo_models() for calibration (int8.h), e.g. leaves a layout
  /// that has no int8 kernels. Default: nothing to do.
  virtual void prepare_int8() {}
};

/// Shared ownership, as torch modules are held.
using ZooNetPtr = std::shared_ptr<ZooNet>;

/// Builds the zoo model `name` with torchvision's initialisation, drawing from torch's global
/// generator (seed it first). Throws InputError listing valid names when `name` is unknown.
ZooNetPtr build_zoo_net(std::string_view name);

}  // namespace greenbatch::engine::zoo
