// MobileNetV3-Large, as torchvision.models.mobilenet_v3_large.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "families.h"
#include "inverted_residual.h"
#include "layers.h"
#include "mobile_trunk.h"

namespace greenbatch::engine::zoo {
namespace {

constexpr double kV3BnEps = 1e-3;       ///< torchvision's MobileNetV3 batch norm
constexpr double kV3BnMomentum = 0.01;  ///< torchvision's MobileNetV3 batch norm

/// One row of the paper's Table 1 (torchvision's InvertedResidualConfig at width 1, no dilation).
struct Bneck {
  std::int64_t in, kernel, expanded, out;  ///< channels and depthwise kernel
  bool se;                                 ///< squeeze-excitation
  bool hardswish;                          ///< "HS" (else "RE": ReLU)
  std::int64_t stride;                     ///< depthwise stride
};

/// The bneck rows of mobilenet_v3_large.
constexpr std::array<Bneck, 15> kLarge{{
    {16, 3, 16, 16, false, false, 1},
    {16, 3, 64, 24, false, false, 2},
    {24, 3, 72, 24, false, false, 1},
    {24, 5, 72, 40, true, false, 2},
    {40, 5, 120, 40, true, false, 1},
    {40, 5, 120, 40, true, false, 1},
    {40, 3, 240, 80, false, true, 2},
    {80, 3, 200, 80, false, true, 1},
    {80, 3, 184, 80, false, true, 1},
    {80, 3, 184, 80, false, true, 1},
    {80, 3, 480, 112, true, true, 1},
    {112, 3, 672, 112, true, true, 1},
    {112, 5, 672, 160, true, true, 2},
    {160, 5, 960, 160, true, true, 1},
    {160, 5, 960, 160, true, true, 1},
}};

/// torchvision.models.MobileNetV3: features (stem, bnecks, 1x1 conv), then a two-layer head.
class MobileNetV3 : public ZooNet {
 public:
  /// Builds mobilenet_v3_large with torchvision's initialisation.
  MobileNetV3() {
    auto features = register_module("features", std::make_shared<torch::nn::Module>());
    const auto conv = [](std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride) {
      return ConvNormActOptions{.in = in,
                                .out = out,
                                .kernel = kernel,
                                .stride = stride,
                                .act = Act::hardswish,
                                .bn_eps = kV3BnEps,
                                .bn_momentum = kV3BnMomentum};
    };
    trunk_.stem = features->register_module("0", ConvNormAct(conv(3, kLarge.front().in, 3, 2)));
    for (const auto& b : kLarge) {
      std::optional<SqueezeSpec> squeeze;
      if (b.se) squeeze = SqueezeSpec{make_divisible(b.expanded / 4, 8), Act::relu, Act::hardsigmoid};
      trunk_.blocks.push_back(features->register_module(std::to_string(trunk_.blocks.size() + 1),
                                                        make_mbconv({.in = b.in,
                                                                     .expanded = b.expanded,
                                                                     .out = b.out,
                                                                     .kernel = b.kernel,
                                                                     .stride = b.stride,
                                                                     .act = b.hardswish ? Act::hardswish : Act::relu,
                                                                     .squeeze = squeeze,
                                                                     .bn_eps = kV3BnEps,
                                                                     .bn_momentum = kV3BnMomentum})));
    }
    const auto last_in = kLarge.back().out;
    trunk_.head = features->register_module(std::to_string(trunk_.blocks.size() + 1),
                                            ConvNormAct(conv(last_in, 6 * last_in, 1, 1)));
    auto classifier = register_module("classifier", std::make_shared<torch::nn::Module>());
    fc1_ = classifier->register_module("0", torch::nn::Linear(6 * last_in, 1280));
    fc2_ = classifier->register_module("3", torch::nn::Linear(1280, 1000));  // "1", "2": hardswish, dropout

    // Child by child: modules() of *this would need it to be held by a shared_ptr already.
    for (const auto& child : children()) init_conv_and_norm(*child);
    torch::NoGradGuard no_grad;
    for (auto* fc : {&fc1_, &fc2_}) {
      torch::nn::init::normal_((*fc)->weight, 0.0, 0.01);
      torch::nn::init::zeros_((*fc)->bias);
    }
  }

  /// Logits of `x`.
  torch::Tensor forward(torch::Tensor x) override {
    x = trunk_.pooled(x);
    return fc2_->forward(activate(Act::hardswish, fc1_->forward(x)));
  }

  /// Folds every batch norm into its convolution.
  void fuse_for_inference() override { trunk_.fuse(); }

 private:
  MobileTrunk<InvertedResidual> trunk_;  ///< features
  torch::nn::Linear fc1_{nullptr};       ///< classifier.0
  torch::nn::Linear fc2_{nullptr};       ///< classifier.3
};

}  // namespace

ZooNetPtr make_mobilenet_v3_large() { return std::make_shared<MobileNetV3>(); }

}  // namespace greenbatch::engine::zoo
