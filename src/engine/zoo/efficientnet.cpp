// EfficientNet-B0 and EfficientNetV2-S, as torchvision.models.efficientnet_b0 / efficientnet_v2_s.
#include <algorithm>
#include <array>
#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "families.h"
#include "inverted_residual.h"
#include "layers.h"
#include "mobile_trunk.h"

namespace greenbatch::engine::zoo {
namespace {

/// One stage (torchvision's MBConvConfig or FusedMBConvConfig at width and depth 1).
struct Stage {
  bool fused;            ///< FusedMBConv (else MBConv)
  double expand_ratio;   ///< expansion of the input channels
  std::int64_t kernel;   ///< kernel of the depthwise (MBConv) or expand (FusedMBConv) conv
  std::int64_t stride;   ///< stride of the first block
  std::int64_t in, out;  ///< channels
  std::int64_t blocks;   ///< number of blocks
};

/// efficientnet_b0's stages.
constexpr std::array<Stage, 7> kB0{{
    {false, 1, 3, 1, 32, 16, 1},
    {false, 6, 3, 2, 16, 24, 2},
    {false, 6, 5, 2, 24, 40, 2},
    {false, 6, 3, 2, 40, 80, 3},
    {false, 6, 5, 1, 80, 112, 3},
    {false, 6, 5, 2, 112, 192, 4},
    {false, 6, 3, 1, 192, 320, 1},
}};

/// efficientnet_v2_s's stages.
constexpr std::array<Stage, 6> kV2S{{
    {true, 1, 3, 1, 24, 24, 2},
    {true, 4, 3, 2, 24, 48, 4},
    {true, 4, 3, 2, 48, 64, 4},
    {false, 4, 3, 2, 64, 128, 6},
    {false, 6, 3, 1, 128, 160, 9},
    {false, 6, 3, 2, 160, 256, 15},
}};

/// torchvision's FusedMBConv: a full kxk expand conv then a 1x1 project, or one kxk conv when
/// the expand ratio is 1.
InvertedResidual make_fused_mbconv(std::int64_t in, std::int64_t expanded, std::int64_t out, std::int64_t kernel,
                                   std::int64_t stride, double bn_eps) {
  InvertedResidual block(stride == 1 && in == out);
  const ConvNormActOptions first{.in = in,
                                 .out = expanded == in ? out : expanded,
                                 .kernel = kernel,
                                 .stride = stride,
                                 .act = Act::silu,
                                 .bn_eps = bn_eps};
  block->append(first);
  if (expanded != in) {
    block->append(ConvNormActOptions{.in = expanded, .out = out, .kernel = 1, .act = Act::none, .bn_eps = bn_eps});
  }
  return block;
}

/// torchvision.models.EfficientNet: features (stem, stages of blocks, 1x1 conv), pool, linear.
class EfficientNet : public ZooNet {
 public:
  /// Builds the network of `stages`, with `last_channel` features before the classifier (0: four
  /// times the last stage's) and batch norm epsilon `bn_eps`, initialised as torchvision does.
  EfficientNet(std::span<const Stage> stages, std::int64_t last_channel, double bn_eps) {
    auto features = register_module("features", std::make_shared<torch::nn::Module>());
    trunk_.stem = features->register_module(
        "0", ConvNormAct(ConvNormActOptions{
                 .in = 3, .out = stages.front().in, .kernel = 3, .stride = 2, .act = Act::silu, .bn_eps = bn_eps}));
    for (std::size_t s = 0; s < stages.size(); ++s) {
      const auto& stage = stages[s];
      auto seq = features->register_module(std::to_string(s + 1), torch::nn::Sequential());
      for (std::int64_t i = 0; i < stage.blocks; ++i) {
        const auto in = i == 0 ? stage.in : stage.out;
        const auto stride = i == 0 ? stage.stride : 1;
        const auto expanded = make_divisible(static_cast<double>(in) * stage.expand_ratio, 8);
        auto block = stage.fused ? make_fused_mbconv(in, expanded, stage.out, stage.kernel, stride, bn_eps)
                                 : make_mbconv({.in = in,
                                                .expanded = expanded,
                                                .out = stage.out,
                                                .kernel = stage.kernel,
                                                .stride = stride,
                                                .act = Act::silu,
                                                .squeeze = SqueezeSpec{std::max<std::int64_t>(1, in / 4), Act::silu,
                                                                       Act::sigmoid},
                                                .bn_eps = bn_eps});
        seq->push_back(block);
        trunk_.blocks.push_back(block);
      }
    }
    const auto last_in = stages.back().out;
    const auto last_out = last_channel > 0 ? last_channel : 4 * last_in;
    trunk_.head = features->register_module(
        std::to_string(stages.size() + 1),
        ConvNormAct(
            ConvNormActOptions{.in = last_in, .out = last_out, .kernel = 1, .act = Act::silu, .bn_eps = bn_eps}));
    auto classifier = register_module("classifier", std::make_shared<torch::nn::Module>());
    fc_ = classifier->register_module("1", torch::nn::Linear(last_out, 1000));  // "0" is dropout

    // Child by child: modules() of *this would need it to be held by a shared_ptr already.
    for (const auto& child : children()) init_conv_and_norm(*child);
    torch::NoGradGuard no_grad;
    const double range = 1.0 / std::sqrt(1000.0);
    torch::nn::init::uniform_(fc_->weight, -range, range);
    torch::nn::init::zeros_(fc_->bias);
  }

  /// Logits of `x`.
  torch::Tensor forward(torch::Tensor x) override { return fc_->forward(trunk_.pooled(x)); }

  /// Folds every batch norm into its convolution.
  void fuse_for_inference() override { trunk_.fuse(); }

 private:
  MobileTrunk<InvertedResidual> trunk_;  ///< features
  torch::nn::Linear fc_{nullptr};        ///< classifier.1
};

}  // namespace

ZooNetPtr make_efficientnet_b0() { return std::make_shared<EfficientNet>(kB0, 0, 1e-5); }

ZooNetPtr make_efficientnet_v2_s() { return std::make_shared<EfficientNet>(kV2S, 1280, 1e-3); }

}  // namespace greenbatch::engine::zoo
