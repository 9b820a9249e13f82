// MNASNet 1.0, as torchvision.models.mnasnet1_0.
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "conv_bn.h"
#include "families.h"
#include "int8.h"
#include "layers.h"

namespace greenbatch::engine::zoo {
namespace {

constexpr double kMnasBnMomentum = 1 - 0.9997;  ///< torchvision's _BN_MOMENTUM (training only)

/// Adds a conv (no bias) and its batch norm to `owner` under the names of a flat nn.Sequential,
/// `index` and `index + 1`.
ConvBn add_conv_bn(torch::nn::Module& owner, int index, const torch::nn::Conv2dOptions& options) {
  ConvBn layer(owner, std::to_string(index), std::to_string(index + 1), torch::nn::Conv2dOptions(options).bias(false));
  layer.bn->options.momentum(kMnasBnMomentum);
  return layer;
}

/// torchvision.models.mnasnet._InvertedResidual: child "layers" = 1x1 expand, ReLU, depthwise,
/// ReLU, 1x1 project (each conv followed by a batch norm); the input is added when the shape is kept.
class MnasInvertedResidualImpl : public torch::nn::Module {
 public:
  /// `in` to `out` channels, depthwise `kernel` and `stride`, hidden channels `in * expansion`.
  MnasInvertedResidualImpl(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride,
                           std::int64_t expansion)
      : residual_(in == out && stride == 1) {
    auto& layers = *register_module("layers", std::make_shared<torch::nn::Module>());
    const auto mid = in * expansion;
    expand_.emplace(add_conv_bn(layers, 0, torch::nn::Conv2dOptions(in, mid, 1)));
    const auto depthwise = torch::nn::Conv2dOptions(mid, mid, kernel).padding(kernel / 2).stride(stride).groups(mid);
    depthwise_.emplace(add_conv_bn(layers, 3, depthwise));
    project_.emplace(add_conv_bn(layers, 6, torch::nn::Conv2dOptions(mid, out, 1)));
  }

  /// The block's output for `x`.
  torch::Tensor forward(const torch::Tensor& x) {
    auto y = (*project_)((*depthwise_)((*expand_)(x, Act::relu), Act::relu));
    return residual_ ? sum_(y, x, /*relu=*/false) : y;
  }

  /// Folds every batch norm into its convolution.
  void fuse() {
    expand_->fuse();
    depthwise_->fuse();
    project_->fuse();
  }

 private:
  std::optional<ConvBn> expand_;     ///< layers.0, layers.1
  std::optional<ConvBn> depthwise_;  ///< layers.3, layers.4
  std::optional<ConvBn> project_;    ///< layers.6, layers.7
  bool residual_;                    ///< add the input
  ResidualSum sum_;                  ///< y + x when residual
};
TORCH_MODULE(MnasInvertedResidual);

/// One stack of inverted residuals (torchvision's _stack): output channels, kernel, first stride,
/// expansion and repeats.
struct StackSpec {
  std::int64_t out, kernel, stride, expansion, repeats;  ///< as passed to _stack
};

/// mnasnet1_0's stacks, layers.8 ... layers.13.
constexpr std::array<StackSpec, 6> kStacks{{
    {24, 3, 2, 3, 3},
    {40, 5, 2, 3, 3},
    {80, 5, 2, 6, 3},
    {96, 3, 1, 6, 2},
    {192, 5, 2, 6, 4},
    {320, 3, 1, 6, 1},
}};

/// torchvision.models.MNASNet at alpha 1 (B1 variant): child "layers" = stem convs, six stacks,
/// final 1x1 conv; then mean pool and a linear classifier.
class MNASNet : public ZooNet {
 public:
  /// Builds mnasnet1_0 with torchvision's initialisation.
  MNASNet() {
    auto& layers = *register_module("layers", std::make_shared<torch::nn::Module>());
    stem_.emplace(add_conv_bn(layers, 0, torch::nn::Conv2dOptions(3, 32, 3).padding(1).stride(2)));
    stem_depthwise_.emplace(add_conv_bn(layers, 3, torch::nn::Conv2dOptions(32, 32, 3).padding(1).groups(32)));
    stem_project_.emplace(add_conv_bn(layers, 6, torch::nn::Conv2dOptions(32, 16, 1)));
    std::int64_t channels = 16;
    int index = 8;
    for (const auto& s : kStacks) {
      auto& stack = *layers.register_module(std::to_string(index++), torch::nn::Sequential());
      for (std::int64_t i = 0; i < s.repeats; ++i) {
        MnasInvertedResidual block(channels, s.out, s.kernel, i == 0 ? s.stride : 1, s.expansion);
        stack.push_back(block);
        blocks_.push_back(block);
        channels = s.out;
      }
    }
    head_.emplace(add_conv_bn(layers, index, torch::nn::Conv2dOptions(channels, kLastChannel, 1)));
    auto classifier = register_module("classifier", std::make_shared<torch::nn::Module>());
    fc_ = classifier->register_module("1", torch::nn::Linear(kLastChannel, 1000));  // "0" is dropout

    // Child by child: modules() of *this would need it to be held by a shared_ptr already.
    for (const auto& child : children()) init_conv_and_norm(*child);
    torch::NoGradGuard no_grad;
    torch::nn::init::kaiming_uniform_(fc_->weight, 0.0, torch::kFanOut, torch::kSigmoid);
    torch::nn::init::zeros_(fc_->bias);
  }

  /// Logits of `x`.
  torch::Tensor forward(torch::Tensor x) override {
    x = (*stem_project_)((*stem_depthwise_)((*stem_)(x, Act::relu), Act::relu));
    for (auto& block : blocks_) x = block->forward(x);
    return fc_->forward(to_float((*head_)(x, Act::relu).mean({2, 3})));
  }

  /// Folds every batch norm into its convolution.
  void fuse_for_inference() override {
    for (auto* layer : {&stem_, &stem_depthwise_, &stem_project_, &head_}) (*layer)->fuse();
    for (auto& block : blocks_) block->fuse();
  }

 private:
  static constexpr std::int64_t kLastChannel = 1280;  ///< features before the classifier

  std::optional<ConvBn> stem_;                ///< layers.0, layers.1 (ReLU)
  std::optional<ConvBn> stem_depthwise_;      ///< layers.3, layers.4 (ReLU)
  std::optional<ConvBn> stem_project_;        ///< layers.6, layers.7
  std::vector<MnasInvertedResidual> blocks_;  ///< layers.8 ... layers.13, flattened
  std::optional<ConvBn> head_;                ///< layers.14, layers.15 (ReLU)
  torch::nn::Linear fc_{nullptr};             ///< classifier.1
};

}  // namespace

ZooNetPtr make_mnasnet1_0() { return std::make_shared<MNASNet>(); }

}  // namespace greenbatch::engine::zoo
