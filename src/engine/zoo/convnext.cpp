// ConvNeXt (torchvision.models.convnext): convnext_base.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "families.h"
#include "transformer_blocks.h"

namespace greenbatch::engine::zoo {
namespace {

/// LayerNorm epsilon of ConvNeXt (blocks and LayerNorm2d alike).
constexpr double kEps = 1e-6;

/// A LayerNorm over `dim` features with ConvNeXt's epsilon.
torch::nn::LayerNorm convnext_norm(std::int64_t dim) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(kEps));
}

/// torchvision's LayerNorm2d: `norm` over the channels of an NCHW map. Returns NCHW values in
/// channels-last memory, which the convolutions and blocks that follow work on without copies.
torch::Tensor layer_norm_2d(torch::nn::LayerNorm& norm, const torch::Tensor& x) {
  return layer_norm(norm, x.permute({0, 2, 3, 1})).permute({0, 3, 1, 2});
}

/// torchvision's CNBlock: x + layer_scale * mlp(norm(dwconv7x7(x))), the MLP pointwise.
class CNBlockImpl : public torch::nn::Module {
 public:
  /// A block of `dim` channels with its layer scale set to `scale`.
  CNBlockImpl(std::int64_t dim, double scale) {
    auto block = register_module("block", std::make_shared<torch::nn::Module>());
    dwconv = block->register_module("0",
                                    torch::nn::Conv2d(torch::nn::Conv2dOptions(dim, dim, 7).padding(3).groups(dim)));
    norm = block->register_module("2", convnext_norm(dim));
    fc1 = block->register_module("3", torch::nn::Linear(dim, 4 * dim));
    fc2 = block->register_module("5", torch::nn::Linear(4 * dim, dim));
    layer_scale = register_parameter("layer_scale", torch::full({dim, 1, 1}, scale));
  }

  /// The block on an NCHW map held channels-last; adds into `x` in place.
  torch::Tensor forward(torch::Tensor x) {
    const auto normed = layer_norm(norm, dwconv->forward(x).permute({0, 2, 3, 1}));
    const auto y = packed_ ? gelu_mlp(normed, packed_->first, packed_->second) : gelu_mlp(normed, fc1, fc2);
    x.permute({0, 2, 3, 1}).addcmul_(y, layer_scale.view({-1}));
    return x;
  }

  /// Runs the pointwise layers as PackedLinear from now on (call with the weights final).
  void pack() { packed_ = {PackedLinear::of(fc1), PackedLinear::of(fc2)}; }

  torch::nn::Conv2d dwconv{nullptr};   ///< block.0, depthwise 7x7
  torch::nn::LayerNorm norm{nullptr};  ///< block.2
  torch::nn::Linear fc1{nullptr};      ///< block.3, dim -> 4 dim
  torch::nn::Linear fc2{nullptr};      ///< block.5, 4 dim -> dim
  torch::Tensor layer_scale;           ///< [dim, 1, 1]

 private:
  std::optional<std::pair<PackedLinear, PackedLinear>> packed_;  ///< fc1, fc2 after pack()
};
TORCH_MODULE(CNBlock);

/// One ConvNeXt stage: `blocks` blocks of `channels`, then a downsampling to `out` channels
/// (0 = none, the last stage).
struct StageConfig {
  std::int64_t channels;  ///< width of the stage's blocks
  std::int64_t out;       ///< width after downsampling, 0 for none
  std::int64_t blocks;    ///< number of blocks
};

/// torchvision's ConvNeXt: 4x4 patchify stem with LayerNorm2d, stages of CNBlocks separated by
/// LayerNorm2d + 2x2 stride-2 convolutions, average pool, LayerNorm, linear head.
class ConvNeXt : public ZooNet {
 public:
  /// Builds and initialises the network as torchvision does (layer scale 1e-6).
  explicit ConvNeXt(const std::vector<StageConfig>& stages) {
    constexpr double kLayerScale = 1e-6;
    auto features = register_module("features", std::make_shared<torch::nn::Module>());
    auto stem = features->register_module("0", std::make_shared<torch::nn::Module>());
    const auto first = stages.front().channels;
    stem_conv = stem->register_module("0", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, first, 4).stride(4)));
    stem_norm = stem->register_module("1", convnext_norm(first));

    std::int64_t index = 1;
    for (const auto& s : stages) {
      auto stage = features->register_module(std::to_string(index++), std::make_shared<torch::nn::Module>());
      std::vector<CNBlock> blocks;
      for (std::int64_t b = 0; b < s.blocks; ++b) {
        blocks.push_back(stage->register_module(std::to_string(b), CNBlock(s.channels, kLayerScale)));
      }
      stages_.push_back(std::move(blocks));
      if (s.out != 0) {
        auto down = features->register_module(std::to_string(index++), std::make_shared<torch::nn::Module>());
        down_norms_.push_back(down->register_module("0", convnext_norm(s.channels)));
        down_convs_.push_back(
            down->register_module("1", torch::nn::Conv2d(torch::nn::Conv2dOptions(s.channels, s.out, 2).stride(2))));
      }
    }
    const auto last = stages.back().out != 0 ? stages.back().out : stages.back().channels;
    auto classifier = register_module("classifier", std::make_shared<torch::nn::Module>());
    head_norm = classifier->register_module("0", convnext_norm(last));
    head = classifier->register_module("2", torch::nn::Linear(last, 1000));

    torch::NoGradGuard no_grad;
    for (auto& module : modules(/*include_self=*/false)) {
      if (auto* conv = module->as<torch::nn::Conv2d>()) {
        trunc_normal_(conv->weight, 0.02);
        conv->bias.zero_();
      } else if (auto* linear = module->as<torch::nn::Linear>()) {
        trunc_normal_(linear->weight, 0.02);
        linear->bias.zero_();
      }
    }
  }

  /// Image batch [N, 3, H, W] to logits.
  torch::Tensor forward(torch::Tensor x) override {
    x = layer_norm_2d(stem_norm, stem_conv->forward(x));
    for (std::size_t s = 0; s < stages_.size(); ++s) {
      for (auto& block : stages_[s]) x = block->forward(x);
      if (s < down_convs_.size()) x = down_convs_[s]->forward(layer_norm_2d(down_norms_[s], x));
    }
    return head->forward(head_norm->forward(x.mean({2, 3})));
  }

  /// The blocks' pointwise layers on oneDNN (see PackedLinear).
  void fuse_for_inference() override {
    for (auto& stage : stages_) {
      for (auto& block : stage) block->pack();
    }
  }

  torch::nn::Conv2d stem_conv{nullptr};     ///< features.0.0
  torch::nn::LayerNorm stem_norm{nullptr};  ///< features.0.1 (LayerNorm2d)
  torch::nn::LayerNorm head_norm{nullptr};  ///< classifier.0 (LayerNorm2d on the pooled map)
  torch::nn::Linear head{nullptr};          ///< classifier.2

 private:
  std::vector<std::vector<CNBlock>> stages_;      ///< blocks of each stage
  std::vector<torch::nn::LayerNorm> down_norms_;  ///< features.{2,4,6}.0
  std::vector<torch::nn::Conv2d> down_convs_;     ///< features.{2,4,6}.1
};

}  // namespace

ZooNetPtr make_convnext_base() {
  return std::make_shared<ConvNeXt>(
      std::vector<StageConfig>{{128, 256, 3}, {256, 512, 3}, {512, 1024, 27}, {1024, 0, 3}});
}

}  // namespace greenbatch::engine::zoo
