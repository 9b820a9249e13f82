#pragma once
/// Internal to engine: a Linear layer computed as a 1x1 convolution, so that on CPU it runs on
/// oneDNN with its weights prepacked (FoldedConv) instead of the BLAS LibTorch links.

#include <torch/torch.h>

#include "layers.h"

namespace greenbatch::engine::zoo {

/// x W^T + b over the last dimension of x, the rows of x taken as the pixels of one channels-last
/// image (a view: no copy) and convolved with W as a [out, in, 1, 1] kernel. On CPU, oneDNN's
/// convolution reaches about 1.6x the matrix-product rate of the OpenBLAS LibTorch uses here.
struct PackedLinear {
  FoldedConv conv;  ///< weight [out, in, 1, 1] channels-last (the same memory as [out, in]), bias [out]

  /// Takes `weight` [out, in] and `bias` [out], which must be final (prepacked at the first call).
  static PackedLinear of(const torch::Tensor& weight, const torch::Tensor& bias);
  /// Takes `fc`'s weight and bias.
  static PackedLinear of(const torch::nn::Linear& fc) { return of(fc->weight, fc->bias); }
  /// act(x W^T + b) for `x` [..., in], shaped [..., out]; on CPU a ReLU is computed inside the
  /// convolution. `act` must be the same at every call. Not thread-safe.
  [[nodiscard]] torch::Tensor operator()(const torch::Tensor& x, Act act = Act::none) const;
};

}  // namespace greenbatch::engine::zoo
