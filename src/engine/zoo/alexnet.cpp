// AlexNet, as torchvision.models.alexnet builds it.
#include "families.h"

namespace greenbatch::engine::zoo {
namespace {

namespace nn = torch::nn;

/// torchvision.models.AlexNet: five convolutions ("features") and three linear layers
/// ("classifier"), with PyTorch's default initialisation.
class AlexNet : public ZooNet {
 public:
  /// Builds the layers in torchvision's order, so a seeded generator gives torchvision's weights.
  AlexNet() {
    // One push_back per layer: the default initialisation draws from the generator as each layer
    // is built, in torchvision's order, which the arguments of a single call would not fix.
    const auto relu = [] { return nn::ReLU(nn::ReLUOptions(true)); };
    const auto pool = [] { return nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(2)); };
    features = register_module("features", nn::Sequential());
    features->push_back(nn::Conv2d(nn::Conv2dOptions(3, 64, 11).stride(4).padding(2)));
    features->push_back(relu());
    features->push_back(pool());
    features->push_back(nn::Conv2d(nn::Conv2dOptions(64, 192, 5).padding(2)));
    features->push_back(relu());
    features->push_back(pool());
    features->push_back(nn::Conv2d(nn::Conv2dOptions(192, 384, 3).padding(1)));
    features->push_back(relu());
    features->push_back(nn::Conv2d(nn::Conv2dOptions(384, 256, 3).padding(1)));
    features->push_back(relu());
    features->push_back(nn::Conv2d(nn::Conv2dOptions(256, 256, 3).padding(1)));
    features->push_back(relu());
    features->push_back(pool());
    classifier = register_module("classifier", nn::Sequential());
    classifier->push_back(nn::Dropout(0.5));
    classifier->push_back(nn::Linear(256 * 6 * 6, 4096));
    classifier->push_back(relu());
    classifier->push_back(nn::Dropout(0.5));
    classifier->push_back(nn::Linear(4096, 4096));
    classifier->push_back(relu());
    classifier->push_back(nn::Linear(4096, 1000));
  }

  /// features, 6x6 average pool, classifier.
  torch::Tensor forward(torch::Tensor x) override {
    x = torch::adaptive_avg_pool2d(features->forward(x), {6, 6});
    return classifier->forward(x.flatten(1));
  }

 private:
  nn::Sequential features{nullptr};    ///< convolutions, ReLUs and max pools
  nn::Sequential classifier{nullptr};  ///< dropout (identity in eval), linear layers, ReLUs
};

}  // namespace

ZooNetPtr make_alexnet() { return std::make_shared<AlexNet>(); }

}  // namespace greenbatch::engine::zoo
