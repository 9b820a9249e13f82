// DenseNet-201, as torchvision.models.densenet201 builds it.
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "conv_bn.h"
#include "families.h"

namespace greenbatch::engine::zoo {
namespace {

namespace nn = torch::nn;

/// A 1x1 or 3x3 convolution without bias, "same" padding.
nn::Conv2d conv_no_bias(std::int64_t in, std::int64_t out, std::int64_t kernel) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, kernel).padding(kernel / 2).bias(false));
}

/// torchvision's _DenseLayer: conv2(relu(norm2(conv1(relu(norm1(x)))))), `growth` new channels
/// from all earlier ones. norm2 follows conv1 directly and folds into it; norm1 follows a
/// concatenation and cannot.
class DenseLayerImpl : public nn::Module {
 public:
  /// `in` channels to `growth`, through `bn_size * growth` bottleneck channels.
  DenseLayerImpl(std::int64_t in, std::int64_t growth, std::int64_t bn_size)
      : norm1(register_module("norm1", nn::BatchNorm2d(in))),
        bottleneck(*this, "conv1", "norm2", nn::Conv2dOptions(in, bn_size * growth, 1).bias(false)),
        conv2(register_module("conv2", conv_no_bias(bn_size * growth, growth, 3))) {}

  /// The new features of `x` (drop_rate is 0).
  torch::Tensor forward(const torch::Tensor& x) {
    return conv2->forward(bottleneck(norm1->forward(x).relu_(), Act::relu));
  }

  /// Folds norm2 into conv1.
  void fuse() { bottleneck.fuse(); }

 private:
  nn::BatchNorm2d norm1;  ///< pre-activation norm of the concatenated input
  ConvBn bottleneck;      ///< conv1 (1x1), norm2
  nn::Conv2d conv2;       ///< 3x3
};
TORCH_MODULE(DenseLayer);

/// torchvision's _DenseBlock: layers "denselayer1".. each seeing the concatenation of the block
/// input and every earlier layer's output; returns that whole concatenation.
class DenseBlockImpl : public nn::Module {
 public:
  /// `layers` layers over `in` input channels.
  DenseBlockImpl(std::int64_t layers, std::int64_t in, std::int64_t growth, std::int64_t bn_size)
      : in_(in), growth_(growth) {
    for (std::int64_t i = 0; i < layers; ++i) {
      layers_.push_back(
          register_module("denselayer" + std::to_string(i + 1), DenseLayer(in + i * growth, growth, bn_size)));
    }
  }

  /// Channels of the output.
  [[nodiscard]] std::int64_t out_channels() const { return in_ + static_cast<std::int64_t>(layers_.size()) * growth_; }

  /// cat(x, f1, f2, ...). torchvision concatenates all earlier features anew before each layer;
  /// writing each layer's output into its slice of one preallocated tensor gives every layer
  /// the same input without those quadratic copies.
  torch::Tensor forward(const torch::Tensor& x) {
    auto features = torch::empty({x.size(0), out_channels(), x.size(2), x.size(3)}, x.options());
    features.narrow(1, 0, in_).copy_(x);
    std::int64_t channels = in_;
    for (auto& layer : layers_) {
      features.narrow(1, channels, growth_).copy_(layer->forward(features.narrow(1, 0, channels)));
      channels += growth_;
    }
    return features;
  }

  /// Folds the foldable batch norm of every layer.
  void fuse() {
    for (auto& layer : layers_) layer->fuse();
  }

 private:
  std::int64_t in_;                 ///< input channels
  std::int64_t growth_;             ///< channels each layer adds
  std::vector<DenseLayer> layers_;  ///< denselayer1..
};
TORCH_MODULE(DenseBlock);

/// torchvision's _Transition: 2x2 average pool of conv(relu(norm(x))), halving channels.
class TransitionImpl : public nn::Module {
 public:
  /// `in` to `out` channels.
  TransitionImpl(std::int64_t in, std::int64_t out)
      : norm(register_module("norm", nn::BatchNorm2d(in))), conv(register_module("conv", conv_no_bias(in, out, 1))) {}

  /// The transition; after pool_before_conv() the pool runs first (a 1x1 convolution and an
  /// average pool commute), so the convolution sees a quarter of the pixels.
  torch::Tensor forward(const torch::Tensor& x) {
    auto y = norm->forward(x).relu_();
    return pool_first_ ? conv->forward(avg_pool(y)) : avg_pool(conv->forward(y));
  }

  /// Swaps the convolution and the pool for inference (equal up to float rounding).
  void pool_before_conv() { pool_first_ = true; }

 private:
  /// 2x2 average pool, stride 2.
  static torch::Tensor avg_pool(const torch::Tensor& x) { return torch::avg_pool2d(x, {2, 2}, {2, 2}); }

  nn::BatchNorm2d norm;      ///< pre-activation norm
  nn::Conv2d conv;           ///< 1x1 channel reduction
  bool pool_first_ = false;  ///< set by pool_before_conv()
};
TORCH_MODULE(Transition);

/// torchvision.models.DenseNet: "features" (conv0, norm0, max pool, dense blocks with
/// transitions between them, norm5) and a linear "classifier".
class DenseNet : public ZooNet {
 public:
  /// Builds the layers in torchvision's order and applies torchvision's DenseNet initialisation.
  DenseNet(std::int64_t growth, const std::array<std::int64_t, 4>& block_config, std::int64_t init_features,
           std::int64_t bn_size)
      : features_(register_module("features", std::make_shared<nn::Module>())),
        stem(*features_, "conv0", "norm0", nn::Conv2dOptions(3, init_features, 7).stride(2).padding(3).bias(false)) {
    std::int64_t channels = init_features;
    for (std::size_t i = 0; i < block_config.size(); ++i) {
      const auto index = std::to_string(i + 1);
      blocks_.push_back(
          features_->register_module("denseblock" + index, DenseBlock(block_config[i], channels, growth, bn_size)));
      channels = blocks_.back()->out_channels();
      if (i + 1 < block_config.size()) {
        transitions_.push_back(features_->register_module("transition" + index, Transition(channels, channels / 2)));
        channels /= 2;
      }
    }
    norm5 = features_->register_module("norm5", nn::BatchNorm2d(channels));
    classifier = register_module("classifier", nn::Linear(channels, 1000));

    // torchvision: convolutions kaiming-normal (PyTorch's defaults: fan_in, leaky_relu with
    // a = 0); batch norms 1, 0; linear bias 0 (weight keeps PyTorch's default).
    torch::NoGradGuard no_grad;
    for (auto& module : modules(/*include_self=*/false)) {
      if (auto* conv = module->as<nn::Conv2d>()) {
        nn::init::kaiming_normal_(conv->weight);
      } else if (auto* bn = module->as<nn::BatchNorm2d>()) {
        nn::init::ones_(bn->weight);
        nn::init::zeros_(bn->bias);
      } else if (auto* linear = module->as<nn::Linear>()) {
        nn::init::zeros_(linear->bias);
      }
    }
  }

  /// Logits.
  torch::Tensor forward(torch::Tensor x) override {
    x = torch::max_pool2d(stem(x, Act::relu), {3, 3}, {2, 2}, {1, 1});
    for (std::size_t i = 0; i < blocks_.size(); ++i) {
      x = blocks_[i]->forward(x);
      if (i < transitions_.size()) x = transitions_[i]->forward(x);
    }
    x = norm5->forward(x).relu_();
    return classifier->forward(torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1));
  }

  /// Folds norm0 into conv0 and each layer's norm2 into its conv1; pools before the transition
  /// convolutions.
  void fuse_for_inference() override {
    stem.fuse();
    for (auto& block : blocks_) block->fuse();
    for (auto& transition : transitions_) transition->pool_before_conv();
  }

 private:
  std::shared_ptr<nn::Module> features_;  ///< "features" (an nn.Sequential in torchvision)
  ConvBn stem;                            ///< features.conv0, features.norm0
  std::vector<DenseBlock> blocks_;        ///< features.denseblock1..4
  std::vector<Transition> transitions_;   ///< features.transition1..3
  nn::BatchNorm2d norm5{nullptr};         ///< features.norm5
  nn::Linear classifier{nullptr};         ///< classifier
};

}  // namespace

ZooNetPtr make_densenet201() {
  return std::make_shared<DenseNet>(32, std::array<std::int64_t, 4>{6, 12, 48, 32}, 64, 4);
}

}  // namespace greenbatch::engine::zoo
