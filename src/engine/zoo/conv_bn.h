#pragma once
/// Internal to engine: a convolution and the batch norm after it, kept as two named attributes of
/// their torchvision module (ResNet's conv1/bn1, BasicConv2d's conv/bn, DenseNet's conv0/norm0).

#include <torch/torch.h>

#include <string>

#include "layers.h"

namespace greenbatch::engine::zoo {

/// conv then batch norm, both registered on the owning module under torchvision's names, with
/// the batch norm foldable into the convolution for inference.
struct ConvBn {
  /// Registers `conv` under `conv_name` and a batch norm over its outputs under `bn_name` on
  /// `owner`, in that order.
  ConvBn(torch::nn::Module& owner, const std::string& conv_name, const std::string& bn_name,
         const torch::nn::Conv2dOptions& conv_options, double bn_eps = 1e-5);

  /// act(bn(conv(x))), or act(folded convolution) after fuse(); pass the same `act` at every call.
  [[nodiscard]] torch::Tensor operator()(const torch::Tensor& x, Act act = Act::none);
  /// Folds the batch norm into the convolution (call in eval mode, weights final).
  void fuse() { folded = FoldedConv::fold(conv, bn); }

  torch::nn::Conv2d conv{nullptr};     ///< the convolution
  torch::nn::BatchNorm2d bn{nullptr};  ///< the batch norm after it
  FoldedConv folded;                   ///< active after fuse()
};

}  // namespace greenbatch::engine::zoo
