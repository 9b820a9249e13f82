// ShuffleNetV2 x1.0, as torchvision.models.shufflenet_v2_x1_0.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "conv_bn.h"
#include "families.h"
#include "layers.h"

namespace greenbatch::engine::zoo {
namespace {

/// cat([a, b], 1) followed by torchvision's channel_shuffle(·, 2), in one copy: output channel
/// 2i is a's channel i and 2i + 1 is b's. Keeps the channels-last layout when `a` has it.
torch::Tensor interleave_channels(const torch::Tensor& a, const torch::Tensor& b) {
  const auto n = a.size(0), c = a.size(1), h = a.size(2), w = a.size(3);
  if (a.suggest_memory_format() == torch::MemoryFormat::ChannelsLast) {
    return torch::stack({a.permute({0, 2, 3, 1}), b.permute({0, 2, 3, 1})}, 4)
        .view({n, h, w, 2 * c})
        .permute({0, 3, 1, 2});
  }
  return torch::stack({a, b}, 2).view({n, 2 * c, h, w});
}

/// torchvision's MaxPool2d(3, stride 2, padding 1), computed in channels-last layout: libtorch
/// 1.13's NCHW max-pool kernel is about five times slower. The result keeps `x`'s layout.
torch::Tensor max_pool_3x3_s2(const torch::Tensor& x) {
  const auto layout = x.suggest_memory_format();
  const auto channels_last = x.contiguous(torch::MemoryFormat::ChannelsLast);
  return torch::max_pool2d(channels_last, {3, 3}, {2, 2}, {1, 1}).contiguous(layout);
}

/// Options of a `kernel` x `kernel` convolution without bias, as all of ShuffleNetV2's are.
torch::nn::Conv2dOptions shuffle_conv_options(std::int64_t in, std::int64_t out, std::int64_t kernel) {
  return torch::nn::Conv2dOptions(in, out, kernel).bias(false);
}

/// torchvision.models.shufflenetv2.InvertedResidual. Stride 2: branch1 (depthwise 3x3, BN, 1x1,
/// BN, ReLU) and branch2 on the whole input; stride 1: the first half of the channels passes
/// through and branch2 (1x1, BN, ReLU, depthwise 3x3, BN, 1x1, BN, ReLU) takes the second half.
/// The two halves are then interleaved (channel shuffle with 2 groups).
class InvertedResidualImpl : public torch::nn::Module {
 public:
  /// `in` to `out` channels with `stride` (1 requires in == out).
  InvertedResidualImpl(std::int64_t in, std::int64_t out, std::int64_t stride) {
    const auto half = out / 2;
    const auto depthwise = [stride](std::int64_t channels) {
      return shuffle_conv_options(channels, channels, 3).stride(stride).padding(1).groups(channels);
    };
    if (stride > 1) {
      auto& branch1 = *register_module("branch1", std::make_shared<torch::nn::Module>());
      branch1_depthwise_.emplace(branch1, "0", "1", depthwise(in));
      branch1_project_.emplace(branch1, "2", "3", shuffle_conv_options(in, half, 1));
    }
    auto& branch2 = *register_module("branch2", std::make_shared<torch::nn::Module>());
    expand_.emplace(branch2, "0", "1", shuffle_conv_options(stride > 1 ? in : half, half, 1));
    depthwise_.emplace(branch2, "3", "4", depthwise(half));
    project_.emplace(branch2, "5", "6", shuffle_conv_options(half, half, 1));
  }

  /// The shuffled concatenation of both branches.
  torch::Tensor forward(const torch::Tensor& x) {
    if (!branch1_depthwise_) {
      const auto half = x.size(1) / 2;
      return interleave_channels(x.narrow(1, 0, half), branch2(x.narrow(1, half, half)));
    }
    auto left = (*branch1_project_)((*branch1_depthwise_)(x), Act::relu);
    return interleave_channels(left, branch2(x));
  }

  /// Folds every batch norm into its convolution.
  void fuse() {
    for (auto* layer : {&branch1_depthwise_, &branch1_project_, &expand_, &depthwise_, &project_}) {
      if (*layer) (*layer)->fuse();
    }
  }

 private:
  /// branch2 of `x`.
  torch::Tensor branch2(const torch::Tensor& x) {
    return (*project_)((*depthwise_)((*expand_)(x, Act::relu)), Act::relu);
  }

  std::optional<ConvBn> branch1_depthwise_;  ///< branch1.0, branch1.1 (stride 2 only)
  std::optional<ConvBn> branch1_project_;    ///< branch1.2, branch1.3 (stride 2 only)
  std::optional<ConvBn> expand_;             ///< branch2.0, branch2.1
  std::optional<ConvBn> depthwise_;          ///< branch2.3, branch2.4
  std::optional<ConvBn> project_;            ///< branch2.5, branch2.6
};
TORCH_MODULE(InvertedResidual);

constexpr std::array<std::int64_t, 3> kRepeats{4, 8, 4};                   ///< blocks of stage2..4
constexpr std::array<std::int64_t, 5> kChannels{24, 116, 232, 464, 1024};  ///< x1.0 widths

/// torchvision.models.ShuffleNetV2 (x1.0): conv1, max pool, stage2..stage4, conv5, mean pool,
/// fc. PyTorch's default initialisation.
class ShuffleNetV2 : public ZooNet {
 public:
  /// Builds shufflenet_v2_x1_0.
  ShuffleNetV2() {
    conv1_.emplace(*register_module("conv1", std::make_shared<torch::nn::Module>()), "0", "1",
                   shuffle_conv_options(3, kChannels[0], 3).stride(2).padding(1));
    std::int64_t channels = kChannels[0];
    for (std::size_t s = 0; s < kRepeats.size(); ++s) {
      auto& stage = *register_module("stage" + std::to_string(s + 2), torch::nn::Sequential());
      const auto out = kChannels[s + 1];
      for (std::int64_t i = 0; i < kRepeats[s]; ++i) {
        InvertedResidual block(channels, out, i == 0 ? 2 : 1);
        stage.push_back(block);
        blocks_.push_back(block);
        channels = out;
      }
    }
    conv5_.emplace(*register_module("conv5", std::make_shared<torch::nn::Module>()), "0", "1",
                   shuffle_conv_options(channels, kChannels[4], 1));
    fc_ = register_module("fc", torch::nn::Linear(kChannels[4], 1000));
  }

  /// Logits of `x`.
  torch::Tensor forward(torch::Tensor x) override {
    x = max_pool_3x3_s2((*conv1_)(x, Act::relu));
    for (auto& block : blocks_) x = block->forward(x);
    return fc_->forward((*conv5_)(x, Act::relu).mean({2, 3}));
  }

  /// Folds every batch norm into its convolution.
  void fuse_for_inference() override {
    conv1_->fuse();
    for (auto& block : blocks_) block->fuse();
    conv5_->fuse();
  }

 private:
  std::optional<ConvBn> conv1_;           ///< conv1.0, conv1.1 (ReLU)
  std::vector<InvertedResidual> blocks_;  ///< stage2 ... stage4, flattened
  std::optional<ConvBn> conv5_;           ///< conv5.0, conv5.1 (ReLU)
  torch::nn::Linear fc_{nullptr};         ///< fc
};

}  // namespace

ZooNetPtr make_shufflenet_v2_x1_0() { return std::make_shared<ShuffleNetV2>(); }

}  // namespace greenbatch::engine::zoo
