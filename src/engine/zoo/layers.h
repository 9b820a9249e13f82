#pragma once
/// Internal to engine: building blocks shared by several zoo families, named as torchvision
/// names them so that state_dict keys match.

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <optional>

#include "int8.h"
#include "prepacked_conv.h"

namespace greenbatch::engine::zoo {

/// Activation functions used inside torchvision's blocks (none carry parameters).
enum class Act { none, relu, relu6, hardswish, hardsigmoid, silu, sigmoid, gelu };

/// Applies `act` to `x` (in place where that is safe). A blocked-layout `x` (blocked_layout.h)
/// takes none, relu or relu6 only: std::logic_error for others.
torch::Tensor activate(Act act, torch::Tensor x);

/// A convolution with a batch norm folded into it: y = conv(x, weight, bias). Empty (inactive)
/// until made by fold().
struct FoldedConv {
  torch::Tensor weight;                                ///< conv weight scaled by gamma / sqrt(var + eps)
  torch::Tensor bias;                                  ///< (conv bias - mean) * gamma / sqrt(var + eps) + beta
  torch::nn::functional::Conv2dFuncOptions options{};  ///< stride, padding, dilation, groups
  /// On CPU: the weights prepacked for oneDNN, made at the first call (inner nullopt: no oneDNN).
  mutable std::optional<std::optional<PrepackedConv>> prepacked;
  /// The weights reordered for inputs in oneDNN's blocked layout, made at the first such call.
  mutable torch::Tensor blocked_weight;
  /// Ranges of the input and of the activated output seen under an Int8Calibration.
  mutable ActivationRange input_range, output_range;
  /// Once calibrated: the int8 convolution run in this one's place.
  mutable std::shared_ptr<const QuantizedConv> int8;

  /// True once fold() has filled it.
  [[nodiscard]] bool active() const { return weight.defined(); }
  /// act(folded convolution of `x`); on CPU through oneDNN with the weights reordered once, at the
  /// first call (so weight, bias and `act` must be final by then), a ReLU computed inside the
  /// convolution. A blocked-layout `x` (blocked_layout.h) gives a blocked-layout result, its
  /// activation none, relu or relu6. Under an Int8Calibration it records its ranges; once
  /// calibrated it runs in int8 (activation none, relu or relu6). Not thread-safe.
  [[nodiscard]] torch::Tensor operator()(const torch::Tensor& x, Act act = Act::none) const;
  /// Folds eval-mode `bn` into `conv` (neither is modified), computing in float and storing in
  /// the conv weight's dtype, the weight channels-last (oneDNN's NHWC). Requires integer padding.
  static FoldedConv fold(const torch::nn::Conv2d& conv, const torch::nn::BatchNorm2d& bn);

 private:
  [[nodiscard]] torch::Tensor run_float(const torch::Tensor& x, Act act) const;
  void calibrate(Int8Calibration& calibration, const torch::Tensor& x, const torch::Tensor& y, Act act) const;
};

/// Options of a ConvNormAct block.
struct ConvNormActOptions {
  std::int64_t in = 0;                  ///< input channels
  std::int64_t out = 0;                 ///< output channels
  std::int64_t kernel = 3;              ///< square kernel size
  std::int64_t stride = 1;              ///< stride
  std::int64_t groups = 1;              ///< groups (in for depthwise)
  Act act = Act::relu;                  ///< activation after the norm
  std::optional<std::int64_t> padding;  ///< default: (kernel - 1) / 2 * dilation
  std::int64_t dilation = 1;            ///< dilation
  double bn_eps = 1e-5;                 ///< batch norm epsilon
  double bn_momentum = 0.1;             ///< batch norm momentum (training only; kept for fidelity)
};

/// torchvision.ops.Conv2dNormActivation with BatchNorm2d: children "0" (conv, no bias),
/// "1" (batch norm); the activation has no parameters.
class ConvNormActImpl : public torch::nn::Module {
 public:
  /// Builds conv + batch norm + activation.
  explicit ConvNormActImpl(const ConvNormActOptions& options);
  /// act(bn(conv(x))), or act(folded(x)) after fuse().
  torch::Tensor forward(const torch::Tensor& x);
  /// Folds the batch norm into the convolution (call in eval mode, weights final).
  void fuse();

  torch::nn::Conv2d conv{nullptr};     ///< child "0"
  torch::nn::BatchNorm2d bn{nullptr};  ///< child "1"
  Act act = Act::relu;                 ///< activation
  FoldedConv folded;                   ///< active after fuse()
};
TORCH_MODULE(ConvNormAct);

/// torchvision.ops.SqueezeExcitation: x * scale_act(fc2(act(fc1(avgpool(x))))), fc1/fc2 being
/// 1x1 convolutions with bias named "fc1" and "fc2".
class SqueezeExcitationImpl : public torch::nn::Module {
 public:
  /// `channels` in and out, `squeeze` in the middle.
  SqueezeExcitationImpl(std::int64_t channels, std::int64_t squeeze, Act act = Act::relu, Act scale_act = Act::sigmoid);
  /// The re-weighted input.
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::Conv2d fc1{nullptr};  ///< squeeze
  torch::nn::Conv2d fc2{nullptr};  ///< excite
  Act act;                         ///< between fc1 and fc2
  Act scale_act;                   ///< on the scale
};
TORCH_MODULE(SqueezeExcitation);

/// Rounds `value` to a multiple of `divisor`, never below 90% of it (torchvision's _make_divisible).
std::int64_t make_divisible(double value, std::int64_t divisor, std::optional<std::int64_t> min_value = std::nullopt);

/// torch.nn.init.trunc_normal_(tensor, mean=0, std=std) with torch's default bounds -2 and 2
/// (absolute values, not multiples of std); absent from LibTorch 1.13's C++ API. Same algorithm
/// and generator calls as Python's (inverse CDF of a uniform draw), so a seeded generator gives
/// the values torchvision gets.
void trunc_normal_(const torch::Tensor& tensor, double std);

/// torchvision's usual CNN initialisation over every submodule of `module`: convolutions
/// kaiming-normal (fan_out, relu) with zero bias; batch/group norms weight 1, bias 0.
/// Linear layers are left to the caller (families differ).
void init_conv_and_norm(torch::nn::Module& module);

}  // namespace greenbatch::engine::zoo
