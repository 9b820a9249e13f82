// MobileNetV2, as torchvision.models.mobilenet_v2.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "conv_bn.h"
#include "families.h"
#include "int8.h"
#include "layers.h"
#include "mobile_trunk.h"

namespace greenbatch::engine::zoo {
namespace {

/// torchvision.models.mobilenetv2.InvertedResidual: child "conv" = [1x1 expand ConvNormAct],
/// depthwise ConvNormAct, then a bare 1x1 conv and batch norm; the input is added when the shape
/// is kept.
class V2InvertedResidualImpl : public torch::nn::Module {
 public:
  /// `in` to `out` channels, depthwise `stride`, hidden channels `in * expand_ratio`.
  V2InvertedResidualImpl(std::int64_t in, std::int64_t out, std::int64_t stride, std::int64_t expand_ratio)
      : residual_(stride == 1 && in == out) {
    auto conv = register_module("conv", std::make_shared<torch::nn::Module>());
    const auto hidden = in * expand_ratio;
    if (expand_ratio != 1) {
      expand_ = conv->register_module(
          "0", ConvNormAct(ConvNormActOptions{.in = in, .out = hidden, .kernel = 1, .act = Act::relu6}));
    }
    const int dw = expand_ ? 1 : 0;  // index of the depthwise layer in "conv"
    depthwise_ = conv->register_module(
        std::to_string(dw),
        ConvNormAct(ConvNormActOptions{
            .in = hidden, .out = hidden, .kernel = 3, .stride = stride, .groups = hidden, .act = Act::relu6}));
    project_.emplace(*conv, std::to_string(dw + 1), std::to_string(dw + 2),
                     torch::nn::Conv2dOptions(hidden, out, 1).bias(false));
  }

  /// The block's output for `x`.
  torch::Tensor forward(const torch::Tensor& x) {
    auto y = (*project_)(depthwise_->forward(expand_ ? expand_->forward(x) : x));
    return residual_ ? sum_(y, x, /*relu=*/false) : y;
  }

  /// Folds every batch norm into its convolution.
  void fuse() {
    if (expand_) expand_->fuse();
    depthwise_->fuse();
    project_->fuse();
  }

 private:
  ConvNormAct expand_{nullptr};     ///< conv.0 when expanding
  ConvNormAct depthwise_{nullptr};  ///< the depthwise layer
  std::optional<ConvBn> project_;   ///< the linear 1x1 conv and its batch norm
  bool residual_;                   ///< add the input
  ResidualSum sum_;                 ///< y + x when residual
};
TORCH_MODULE(V2InvertedResidual);

/// One row of the inverted-residual table: expansion t, channels c, repeats n, first stride s.
struct Setting {
  std::int64_t t, c, n, s;  ///< as in torchvision's table
};

/// torchvision's inverted_residual_setting.
constexpr std::array<Setting, 7> kSettings{{
    {1, 16, 1, 1},
    {6, 24, 2, 2},
    {6, 32, 3, 2},
    {6, 64, 4, 2},
    {6, 96, 3, 1},
    {6, 160, 3, 2},
    {6, 320, 1, 1},
}};

/// torchvision.models.MobileNetV2 at width 1: features (stem, 17 blocks, 1x1 conv), pool, linear.
class MobileNetV2 : public ZooNet {
 public:
  /// Builds mobilenet_v2 with torchvision's initialisation.
  MobileNetV2() {
    auto features = register_module("features", std::make_shared<torch::nn::Module>());
    std::int64_t channels = 32;
    trunk_.stem = features->register_module(
        "0", ConvNormAct(ConvNormActOptions{.in = 3, .out = channels, .kernel = 3, .stride = 2, .act = Act::relu6}));
    for (const auto& [t, c, n, s] : kSettings) {
      for (std::int64_t i = 0; i < n; ++i) {
        trunk_.blocks.push_back(features->register_module(std::to_string(trunk_.blocks.size() + 1),
                                                          V2InvertedResidual(channels, c, i == 0 ? s : 1, t)));
        channels = c;
      }
    }
    trunk_.head = features->register_module(
        std::to_string(trunk_.blocks.size() + 1),
        ConvNormAct(ConvNormActOptions{.in = channels, .out = kLastChannel, .kernel = 1, .act = Act::relu6}));
    auto classifier = register_module("classifier", std::make_shared<torch::nn::Module>());
    fc_ = classifier->register_module("1", torch::nn::Linear(kLastChannel, 1000));  // "0" is dropout

    // Child by child: modules() of *this would need it to be held by a shared_ptr already.
    for (const auto& child : children()) init_conv_and_norm(*child);
    torch::NoGradGuard no_grad;
    torch::nn::init::normal_(fc_->weight, 0.0, 0.01);
    torch::nn::init::zeros_(fc_->bias);
  }

  /// Logits of `x`.
  torch::Tensor forward(torch::Tensor x) override { return fc_->forward(to_float(trunk_.pooled(x))); }

  /// Folds every batch norm into its convolution.
  void fuse_for_inference() override {
    trunk_.fuse();
    trunk_.blocked_layout = true;
  }

  /// Channels-last: the blocked layout has no int8 kernels.
  void prepare_int8() override { trunk_.blocked_layout = false; }

 private:
  static constexpr std::int64_t kLastChannel = 1280;  ///< features before the classifier

  MobileTrunk<V2InvertedResidual> trunk_;  ///< features
  torch::nn::Linear fc_{nullptr};          ///< classifier.1
};

}  // namespace

ZooNetPtr make_mobilenet_v2() { return std::make_shared<MobileNetV2>(); }

}  // namespace greenbatch::engine::zoo
