// RegNetY-1.6GF, as torchvision.models.regnet_y_1_6gf.
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "families.h"
#include "layers.h"

namespace greenbatch::engine::zoo {
namespace {

/// One stage of the network (stride 2 on its first block, bottleneck multiplier 1).
struct StageSpec {
  std::int64_t width, depth;  ///< output channels and number of blocks
};
/// regnet_y_1_6gf's stages, as BlockParams.from_init_params(depth=27, w_0=48, w_a=20.71,
/// w_m=2.65, group_width=24, se_ratio=0.25) computes them.
constexpr std::array<StageSpec, 4> kStages{{{48, 2}, {120, 6}, {336, 17}, {888, 2}}};
constexpr std::int64_t kGroupWidth = 24;  ///< channels per group of the 3x3 conv
constexpr double kSeRatio = 0.25;         ///< squeeze channels per block input channel
constexpr std::int64_t kStemWidth = 32;   ///< stem output channels

/// torchvision.models.regnet.ResBottleneckBlock with its BottleneckTransform "f" (a: 1x1,
/// b: grouped 3x3, se, c: 1x1) and, when the shape changes, a 1x1 projection "proj"; ReLU after
/// the sum.
class ResBottleneckBlockImpl : public torch::nn::Module {
 public:
  /// `in` to `out` channels with `stride` on the 3x3 conv.
  ResBottleneckBlockImpl(std::int64_t in, std::int64_t out, std::int64_t stride) {
    const auto conv = [](std::int64_t c_in, std::int64_t c_out, std::int64_t kernel, std::int64_t conv_stride,
                         std::int64_t groups, Act act) {
      return ConvNormAct(ConvNormActOptions{
          .in = c_in, .out = c_out, .kernel = kernel, .stride = conv_stride, .groups = groups, .act = act});
    };
    if (in != out || stride != 1) proj_ = register_module("proj", conv(in, out, 1, stride, 1, Act::none));
    auto f = register_module("f", std::make_shared<torch::nn::Module>());
    a_ = f->register_module("a", conv(in, out, 1, 1, 1, Act::relu));
    b_ = f->register_module("b", conv(out, out, 3, stride, out / kGroupWidth, Act::relu));
    const auto squeeze = static_cast<std::int64_t>(std::round(kSeRatio * static_cast<double>(in)));
    se_ = f->register_module("se", SqueezeExcitation(out, squeeze));
    c_ = f->register_module("c", conv(out, out, 1, 1, 1, Act::none));
  }

  /// relu(shortcut + f(x)).
  torch::Tensor forward(const torch::Tensor& x) {
    auto y = c_->forward(se_->forward(b_->forward(a_->forward(x))));
    return torch::relu_(y.add_(proj_ ? proj_->forward(x) : x));
  }

  /// Folds every batch norm into its convolution.
  void fuse() {
    if (proj_) proj_->fuse();
    a_->fuse();
    b_->fuse();
    c_->fuse();
  }

 private:
  ConvNormAct proj_{nullptr};      ///< shortcut projection, when the shape changes
  ConvNormAct a_{nullptr};         ///< f.a
  ConvNormAct b_{nullptr};         ///< f.b
  SqueezeExcitation se_{nullptr};  ///< f.se
  ConvNormAct c_{nullptr};         ///< f.c
};
TORCH_MODULE(ResBottleneckBlock);

/// torchvision.models.RegNet: stem, trunk_output of stages "block1".. with blocks
/// "block{stage}-{i}", pool, fc.
class RegNet : public ZooNet {
 public:
  /// Builds regnet_y_1_6gf with torchvision's initialisation.
  RegNet() {
    stem_ = register_module("stem",
                            ConvNormAct(ConvNormActOptions{.in = 3, .out = kStemWidth, .kernel = 3, .stride = 2}));
    auto trunk = register_module("trunk_output", std::make_shared<torch::nn::Module>());
    std::int64_t channels = kStemWidth;
    for (std::size_t s = 0; s < kStages.size(); ++s) {
      const auto stage_name = "block" + std::to_string(s + 1);
      auto stage = trunk->register_module(stage_name, std::make_shared<torch::nn::Module>());
      for (std::int64_t i = 0; i < kStages[s].depth; ++i) {
        blocks_.push_back(stage->register_module(stage_name + "-" + std::to_string(i),
                                                 ResBottleneckBlock(channels, kStages[s].width, i == 0 ? 2 : 1)));
        channels = kStages[s].width;
      }
    }
    fc_ = register_module("fc", torch::nn::Linear(channels, 1000));
    init_weights();
  }

  /// Logits of `x`.
  torch::Tensor forward(torch::Tensor x) override {
    x = stem_->forward(x);
    for (auto& block : blocks_) x = block->forward(x);
    return fc_->forward(x.mean({2, 3}));
  }

  /// Folds every batch norm into its convolution.
  void fuse_for_inference() override {
    stem_->fuse();
    for (auto& block : blocks_) block->fuse();
  }

 private:
  /// torchvision's RegNet initialisation: convolution weights normal with std sqrt(2 / fan_out)
  /// (biases, i.e. those of the squeeze-excitation, keep their default), batch norms 1 and 0,
  /// the linear layer normal(0, 0.01) with zero bias.
  void init_weights() {
    torch::NoGradGuard no_grad;
    for (auto& module : modules(/*include_self=*/false)) {
      if (auto* conv = module->as<torch::nn::Conv2d>()) {
        const auto& k = conv->options.kernel_size();
        const auto fan_out = static_cast<double>(k->at(0) * k->at(1) * conv->options.out_channels());
        torch::nn::init::normal_(conv->weight, 0.0, std::sqrt(2.0 / fan_out));
      } else if (auto* bn = module->as<torch::nn::BatchNorm2d>()) {
        torch::nn::init::ones_(bn->weight);
        torch::nn::init::zeros_(bn->bias);
      } else if (auto* fc = module->as<torch::nn::Linear>()) {
        torch::nn::init::normal_(fc->weight, 0.0, 0.01);
        torch::nn::init::zeros_(fc->bias);
      }
    }
  }

  ConvNormAct stem_{nullptr};               ///< stem
  std::vector<ResBottleneckBlock> blocks_;  ///< the blocks of every stage, in order
  torch::nn::Linear fc_{nullptr};           ///< fc
};

}  // namespace

ZooNetPtr make_regnet_y_1_6gf() { return std::make_shared<RegNet>(); }

}  // namespace greenbatch::engine::zoo
