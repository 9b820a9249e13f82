// VGG-16 without batch norm (configuration "D"), as torchvision.models.vgg16 builds it.
#include <array>

#include "families.h"
#include "layers.h"

namespace greenbatch::engine::zoo {
namespace {

namespace nn = torch::nn;

/// Marks a 2x2 max pool in a VGG configuration.
constexpr std::int64_t kPool = 0;
/// Output channels of each 3x3 convolution of configuration "D", kPool for a max pool.
constexpr std::array<std::int64_t, 18> kVgg16{64,    64,  kPool, 128, 128,   kPool, 256, 256, 256,
                                              kPool, 512, 512,   512, kPool, 512,   512, 512, kPool};

/// torchvision.models.VGG of configuration "D" without batch norm: "features" (convolutions,
/// ReLUs, max pools as make_layers lays them out), a 7x7 average pool and a three-layer "classifier".
class Vgg16 : public ZooNet {
 public:
  /// Builds the layers in torchvision's order and applies torchvision's VGG initialisation.
  Vgg16() {
    features = register_module("features", nn::Sequential());
    std::int64_t in = 3;
    for (const auto out : kVgg16) {
      if (out == kPool) {
        features->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(2).stride(2)));
      } else {
        features->push_back(nn::Conv2d(nn::Conv2dOptions(in, out, 3).padding(1)));
        features->push_back(nn::ReLU(nn::ReLUOptions(true)));
        in = out;
      }
    }
    classifier = register_module(
        "classifier", nn::Sequential(nn::Linear(512 * 7 * 7, 4096), nn::ReLU(nn::ReLUOptions(true)), nn::Dropout(0.5),
                                     nn::Linear(4096, 4096), nn::ReLU(nn::ReLUOptions(true)), nn::Dropout(0.5),
                                     nn::Linear(4096, 1000)));
    // torchvision: convolutions kaiming-normal (fan_out, relu), zero bias; linear N(0, 0.01), zero
    // bias. init_conv_and_norm goes child by child: it visits its argument itself, which *this
    // under construction cannot offer.
    for (const auto& child : children()) init_conv_and_norm(*child);
    torch::NoGradGuard no_grad;
    for (auto& module : modules(/*include_self=*/false)) {
      if (auto* linear = module->as<nn::Linear>()) {
        nn::init::normal_(linear->weight, 0.0, 0.01);
        nn::init::zeros_(linear->bias);
      }
    }
  }

  /// features, 7x7 average pool, classifier.
  torch::Tensor forward(torch::Tensor x) override {
    x = torch::adaptive_avg_pool2d(features->forward(x), {7, 7});
    return classifier->forward(x.flatten(1));
  }

 private:
  nn::Sequential features{nullptr};    ///< convolutions, ReLUs and max pools
  nn::Sequential classifier{nullptr};  ///< linear layers, ReLUs, dropout (identity in eval)
};

}  // namespace

ZooNetPtr make_vgg16() { return std::make_shared<Vgg16>(); }

}  // namespace greenbatch::engine::zoo
