#pragma once
/// Internal to engine: the inverted-residual block of MobileNetV3 and EfficientNet (torchvision's
/// mobilenetv3.InvertedResidual, efficientnet.MBConv and efficientnet.FusedMBConv).

#include <torch/torch.h>

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "layers.h"

namespace greenbatch::engine::zoo {

/// The squeeze-excitation of an MBConv block.
struct SqueezeSpec {
  std::int64_t channels = 0;     ///< squeezed channels
  Act act = Act::relu;           ///< between fc1 and fc2
  Act scale_act = Act::sigmoid;  ///< on the scale
};

/// The layers of one MBConv block: [1x1 expand] -> depthwise -> [squeeze-excitation] -> 1x1 project.
struct MBConvSpec {
  std::int64_t in = 0;                 ///< input channels
  std::int64_t expanded = 0;           ///< channels inside (no expand layer when equal to `in`)
  std::int64_t out = 0;                ///< output channels
  std::int64_t kernel = 3;             ///< depthwise kernel
  std::int64_t stride = 1;             ///< depthwise stride
  Act act = Act::relu;                 ///< after expand and depthwise
  std::optional<SqueezeSpec> squeeze;  ///< squeeze-excitation after the depthwise, if any
  double bn_eps = 1e-5;                ///< batch norm epsilon
  double bn_momentum = 0.1;            ///< batch norm momentum
};

/// Child "block": a sequence of ConvNormAct and SqueezeExcitation layers ("0", "1", ...); the
/// input is added to the result when `residual`. Stochastic depth is identity in eval mode.
class InvertedResidualImpl : public torch::nn::Module {
 public:
  /// An empty block; forward adds the input to the result when `residual`.
  explicit InvertedResidualImpl(bool residual);
  /// Appends a conv-norm-activation layer.
  void append(const ConvNormActOptions& options);
  /// Appends a squeeze-excitation layer.
  void append(std::int64_t channels, const SqueezeSpec& spec);
  /// The layers in turn, plus the input when residual.
  torch::Tensor forward(const torch::Tensor& x);
  /// Folds every batch norm into its convolution.
  void fuse();

 private:
  using Layer = std::variant<ConvNormAct, SqueezeExcitation>;  ///< one child of "block"
  torch::nn::Sequential block_;                                ///< child "block", for the names
  std::vector<Layer> layers_;                                  ///< the same children, typed
  bool residual_;                                              ///< add the input
};
TORCH_MODULE(InvertedResidual);

/// torchvision's MBConv layout from `spec`, residual when stride is 1 and in == out.
InvertedResidual make_mbconv(const MBConvSpec& spec);

}  // namespace greenbatch::engine::zoo
