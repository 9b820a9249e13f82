#pragma once
/// Internal to engine: what GoogLeNet and Inception v3 share in torchvision: BasicConv2d, the
/// input transform of their published weights, and their truncated-normal initialisation.

#include <torch/torch.h>

#include <cstdint>
#include <functional>

#include "conv_bn.h"

namespace greenbatch::engine::zoo {

/// torchvision's BasicConv2d of googlenet.py / inception.py: relu(bn(conv(x))), children "conv"
/// (no bias) and "bn" (eps 0.001).
class BasicConv2dImpl : public torch::nn::Module {
 public:
  /// `in` to `out` channels; kernel, stride and padding may be rectangular ({h, w}).
  BasicConv2dImpl(std::int64_t in, std::int64_t out, torch::ExpandingArray<2> kernel,
                  torch::ExpandingArray<2> stride = 1, torch::ExpandingArray<2> padding = 0);
  /// relu(bn(conv(x))), the batch norm folded after fuse().
  torch::Tensor forward(const torch::Tensor& x) { return conv_bn(x, Act::relu); }
  /// Folds the batch norm into the convolution.
  void fuse() { conv_bn.fuse(); }

 private:
  ConvBn conv_bn;  ///< "conv" and "bn"
};
TORCH_MODULE(BasicConv2d);

/// Folds the batch norm of every BasicConv2d inside `net`.
void fuse_basic_convs(torch::nn::Module& net);

/// transform_input=True: turns input normalised with ImageNet's mean and std into the
/// (x - 0.5) / 0.5 normalisation that the Google-trained weights expect, channel by channel.
torch::Tensor transform_input(const torch::Tensor& x);

/// GoogLeNet / Inception v3 initialisation, visiting the submodules of `net` in order as
/// torchvision does: every Conv2d and Linear weight truncated normal (mean 0, std
/// `stddev_of(module)`, cut at the absolute bounds -2 and 2, as torchvision passes a=-2, b=2),
/// batch norms weight 1 and bias 0; linear biases keep PyTorch's default.
void init_truncated_normal(torch::nn::Module& net, const std::function<double(const torch::nn::Module&)>& stddev_of);

}  // namespace greenbatch::engine::zoo
