// SqueezeNet 1.1, as torchvision.models.squeezenet1_1 builds it.
#include "families.h"

namespace greenbatch::engine::zoo {
namespace {

namespace nn = torch::nn;

/// torchvision's Fire module: a 1x1 "squeeze" convolution feeding 1x1 and 3x3 "expand"
/// convolutions whose ReLU outputs are concatenated.
class FireImpl : public nn::Module {
 public:
  /// `in` channels to `expand1x1 + expand3x3` channels through `squeeze` channels.
  FireImpl(std::int64_t in, std::int64_t squeeze_channels, std::int64_t expand1x1_channels,
           std::int64_t expand3x3_channels)
      : squeeze(register_module("squeeze", nn::Conv2d(nn::Conv2dOptions(in, squeeze_channels, 1)))),
        expand1x1(register_module("expand1x1", nn::Conv2d(nn::Conv2dOptions(squeeze_channels, expand1x1_channels, 1)))),
        expand3x3(register_module("expand3x3",
                                  nn::Conv2d(nn::Conv2dOptions(squeeze_channels, expand3x3_channels, 3).padding(1)))) {}

  /// cat(relu(expand1x1(s)), relu(expand3x3(s))) with s = relu(squeeze(x)).
  torch::Tensor forward(const torch::Tensor& x) {
    const auto s = squeeze->forward(x).relu_();
    return torch::cat({expand1x1->forward(s).relu_(), expand3x3->forward(s).relu_()}, 1);
  }

 private:
  nn::Conv2d squeeze;    ///< 1x1 squeeze
  nn::Conv2d expand1x1;  ///< 1x1 expand
  nn::Conv2d expand3x3;  ///< 3x3 expand
};
TORCH_MODULE(Fire);

/// torchvision.models.SqueezeNet version 1_1: "features" (stem convolution, max pools, Fire
/// modules) and a "classifier" of dropout, 1x1 convolution, ReLU and global average pool.
class SqueezeNet11 : public ZooNet {
 public:
  /// Builds the layers in torchvision's order and applies torchvision's SqueezeNet initialisation.
  SqueezeNet11() {
    const auto relu = [] { return nn::ReLU(nn::ReLUOptions(true)); };
    const auto pool = [] { return nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(2).ceil_mode(true)); };
    features = register_module(
        "features", nn::Sequential(nn::Conv2d(nn::Conv2dOptions(3, 64, 3).stride(2)), relu(), pool(),
                                   Fire(64, 16, 64, 64), Fire(128, 16, 64, 64), pool(), Fire(128, 32, 128, 128),
                                   Fire(256, 32, 128, 128), pool(), Fire(256, 48, 192, 192), Fire(384, 48, 192, 192),
                                   Fire(384, 64, 256, 256), Fire(512, 64, 256, 256)));
    const nn::Conv2d final_conv(nn::Conv2dOptions(512, 1000, 1));
    classifier = register_module("classifier",
                                 nn::Sequential(nn::Dropout(0.5), final_conv, relu(), nn::AdaptiveAvgPool2d(1)));
    // torchvision: kaiming-uniform (PyTorch's defaults: fan_in, leaky_relu with a = 0) for every
    // convolution but the final one, which is N(0, 0.01); zero biases.
    torch::NoGradGuard no_grad;
    for (auto& module : modules(/*include_self=*/false)) {
      if (auto* conv = module->as<nn::Conv2d>()) {
        if (conv == final_conv.get()) {
          nn::init::normal_(conv->weight, 0.0, 0.01);
        } else {
          nn::init::kaiming_uniform_(conv->weight);
        }
        nn::init::zeros_(conv->bias);
      }
    }
  }

  /// features, classifier, flattened to [N, 1000].
  torch::Tensor forward(torch::Tensor x) override { return classifier->forward(features->forward(x)).flatten(1); }

 private:
  nn::Sequential features{nullptr};    ///< stem, max pools and Fire modules
  nn::Sequential classifier{nullptr};  ///< dropout (identity in eval), final conv, ReLU, pool
};

}  // namespace

ZooNetPtr make_squeezenet1_1() { return std::make_shared<SqueezeNet11>(); }

}  // namespace greenbatch::engine::zoo
