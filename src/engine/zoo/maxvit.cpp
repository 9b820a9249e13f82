// MaxViT (torchvision 0.15's torchvision.models.maxvit): maxvit_t.
#include <array>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "families.h"
#include "layers.h"
#include "transformer_blocks.h"

namespace greenbatch::engine::zoo {
namespace {

/// Batch norm epsilon and momentum of MaxViT's convolutional layers.
constexpr double kBnEps = 1e-3;
/// See kBnEps.
constexpr double kBnMomentum = 0.99;

/// A batch norm over `channels` with MaxViT's settings.
torch::nn::BatchNorm2d maxvit_bn(std::int64_t channels) {
  return torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(channels).eps(kBnEps).momentum(kBnMomentum));
}

/// A Conv2dNormActivation with MaxViT's batch norm and GELU.
ConvNormAct maxvit_conv(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride,
                        std::int64_t groups) {
  ConvNormActOptions o;
  o.in = in;
  o.out = out;
  o.kernel = kernel;
  o.stride = stride;
  o.groups = groups;
  o.act = Act::gelu;
  o.bn_eps = kBnEps;
  o.bn_momentum = kBnMomentum;
  return ConvNormAct(o);
}

/// torchvision's MBConv: pre-norm inverted bottleneck (1x1 expand, depthwise 3x3, squeeze-excite,
/// 1x1 project) plus a residual that is average-pooled and projected when the shape changes.
class MBConvImpl : public torch::nn::Module {
 public:
  /// `in` -> `out` channels at `stride`, expansion 4, squeeze ratio 0.25.
  MBConvImpl(std::int64_t in, std::int64_t out, std::int64_t stride) : stride_(stride) {
    const auto mid = 4 * out;
    if (stride != 1 || in != out) {
      auto proj = register_module("proj", std::make_shared<torch::nn::Module>());
      proj_conv = proj->register_module("1", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1)));
    }
    auto layers = register_module("layers", std::make_shared<torch::nn::Module>());
    pre_norm = layers->register_module("pre_norm", maxvit_bn(in));
    conv_a = layers->register_module("conv_a", maxvit_conv(in, mid, 1, 1, 1));
    conv_b = layers->register_module("conv_b", maxvit_conv(mid, mid, 3, stride, mid));
    squeeze_excitation = layers->register_module("squeeze_excitation",
                                                 SqueezeExcitation(mid, out / 4, Act::silu, Act::sigmoid));
    conv_c = layers->register_module("conv_c", torch::nn::Conv2d(torch::nn::Conv2dOptions(mid, out, 1)));
  }

  /// Residual plus bottleneck on NCHW.
  torch::Tensor forward(const torch::Tensor& x) {
    auto residual = x;
    if (proj_conv) {
      if (stride_ == 2) residual = torch::avg_pool2d(residual, 3, 2, 1);
      residual = proj_conv->forward(residual);
    }
    auto y = fused_ ? conv_a->forward(x) : conv_a->forward(pre_norm->forward(x));
    y = conv_c->forward(squeeze_excitation->forward(conv_b->forward(y)));
    return y.add_(residual);
  }

  /// Folds every batch norm into a convolution: conv_a's and conv_b's own, and pre_norm into
  /// conv_a's input side (exact: conv_a is 1x1 without padding).
  void fuse() {
    torch::NoGradGuard no_grad;
    conv_a->fuse();
    conv_b->fuse();
    const auto scale = pre_norm->weight * torch::rsqrt(pre_norm->running_var + pre_norm->options.eps());
    const auto shift = pre_norm->bias - pre_norm->running_mean * scale;
    auto& folded = conv_a->folded;
    folded.bias = folded.bias + folded.weight.flatten(1).matmul(shift);
    folded.weight = folded.weight * scale.view({1, -1, 1, 1});
    fused_ = true;
  }

  torch::nn::Conv2d proj_conv{nullptr};           ///< proj.1 (after a 3x3 average pool at stride 2)
  torch::nn::BatchNorm2d pre_norm{nullptr};       ///< layers.pre_norm
  ConvNormAct conv_a{nullptr};                    ///< layers.conv_a, 1x1 expand
  ConvNormAct conv_b{nullptr};                    ///< layers.conv_b, depthwise 3x3
  SqueezeExcitation squeeze_excitation{nullptr};  ///< layers.squeeze_excitation
  torch::nn::Conv2d conv_c{nullptr};              ///< layers.conv_c, 1x1 project

 private:
  std::int64_t stride_;  ///< of the depthwise convolution (and the residual's pool)
  bool fused_ = false;   ///< pre_norm is folded into conv_a
};
TORCH_MODULE(MBConv);

/// How PartitionAttentionLayer groups the tokens of a map.
enum class Partition {
  window,  ///< non-overlapping p x p windows (local attention)
  grid,    ///< a p x p grid of tokens strided across the whole map (global attention)
};

/// torchvision's PartitionAttentionLayer (norm, relative-position attention, MLP; pre-norm
/// residuals) with its RelativePositionalMultiHeadAttention inlined under the same names.
class PartitionAttentionImpl : public torch::nn::Module {
 public:
  /// `channels` features in heads of `head_dim`, partitions of `size` x `size` tokens.
  PartitionAttentionImpl(std::int64_t channels, std::int64_t head_dim, std::int64_t size, Partition type)
      : heads_(channels / head_dim), size_(size), type_(type) {
    auto attn_layer = register_module("attn_layer", std::make_shared<torch::nn::Module>());
    attn_norm = attn_layer->register_module("0", torch::nn::LayerNorm(torch::nn::LayerNormOptions({channels})));
    auto attn = attn_layer->register_module("1", std::make_shared<torch::nn::Module>());
    to_qkv = attn->register_module("to_qkv", torch::nn::Linear(channels, 3 * channels));
    merge = attn->register_module("merge", torch::nn::Linear(channels, channels));
    relative_position_bias_table = attn->register_parameter("relative_position_bias_table",
                                                            torch::empty({(2 * size - 1) * (2 * size - 1), heads_}));
    relative_position_index = attn->register_buffer("relative_position_index", zoo::relative_position_index(size));
    trunc_normal_(relative_position_bias_table, 0.02);
    auto mlp_layer = register_module("mlp_layer", std::make_shared<torch::nn::Module>());
    mlp_norm = mlp_layer->register_module("0", torch::nn::LayerNorm(torch::nn::LayerNormOptions({channels})));
    fc1 = mlp_layer->register_module("1", torch::nn::Linear(channels, 4 * channels));
    fc2 = mlp_layer->register_module("3", torch::nn::Linear(4 * channels, channels));
  }

  /// The layer on NCHW; returns NCHW.
  torch::Tensor forward(const torch::Tensor& x) {
    const auto batch = x.size(0);
    const auto channels = x.size(1);
    const auto height = x.size(2);
    const auto width = x.size(3);
    const auto tokens = size_ * size_;
    // Split each side as (outer, inner). A window groups tokens by outer position and runs over
    // the inner ones, a grid the other way round; either way a sequence has size x size tokens.
    const bool window = type_ == Partition::window;
    const auto inner_h = window ? size_ : height / size_;
    const auto inner_w = window ? size_ : width / size_;
    const auto split = x.view({batch, channels, height / inner_h, inner_h, width / inner_w, inner_w});
    // To [B, group_h, group_w, seq_h, seq_w, C] and back.
    static constexpr std::array<std::int64_t, 6> kWindow{0, 2, 4, 3, 5, 1};
    static constexpr std::array<std::int64_t, 6> kWindowBack{0, 5, 1, 3, 2, 4};
    static constexpr std::array<std::int64_t, 6> kGrid{0, 3, 5, 2, 4, 1};
    static constexpr std::array<std::int64_t, 6> kGridBack{0, 5, 3, 1, 4, 2};
    const auto grouped = split.permute(window ? kWindow : kGrid);
    auto t = grouped.reshape({-1, tokens, channels});

    const auto bias =
        relative_position_bias(relative_position_bias_table, relative_position_index, tokens).unsqueeze(0);
    // torchvision scales by 1/sqrt(channels), not 1/sqrt(head_dim).
    const double extra = std::sqrt(static_cast<double>(channels / heads_) / static_cast<double>(channels));
    t.add_(biased_self_attention(attn_norm->forward(t), to_qkv, merge, heads_, extra, bias));
    t.add_(gelu_mlp(mlp_norm->forward(t), fc1, fc2));
    return t.view(grouped.sizes()).permute(window ? kWindowBack : kGridBack).reshape({batch, channels, height, width});
  }

  torch::nn::LayerNorm attn_norm{nullptr};     ///< attn_layer.0
  torch::nn::Linear to_qkv{nullptr};           ///< attn_layer.1.to_qkv
  torch::nn::Linear merge{nullptr};            ///< attn_layer.1.merge
  torch::Tensor relative_position_bias_table;  ///< attn_layer.1, [(2 size - 1)^2, heads]
  torch::Tensor relative_position_index;       ///< attn_layer.1 buffer, [size^2, size^2]
  torch::nn::LayerNorm mlp_norm{nullptr};      ///< mlp_layer.0
  torch::nn::Linear fc1{nullptr};              ///< mlp_layer.1
  torch::nn::Linear fc2{nullptr};              ///< mlp_layer.3

 private:
  std::int64_t heads_;  ///< attention heads
  std::int64_t size_;   ///< partition side
  Partition type_;      ///< window or grid
};
TORCH_MODULE(PartitionAttention);

/// torchvision's MaxVitLayer: MBConv, window attention, grid attention.
class MaxVitLayerImpl : public torch::nn::Module {
 public:
  /// `in` -> `out` channels at `stride`, attention heads of 32, partitions of 7.
  MaxVitLayerImpl(std::int64_t in, std::int64_t out, std::int64_t stride) {
    constexpr std::int64_t kHeadDim = 32;
    constexpr std::int64_t kPartition = 7;
    auto layers = register_module("layers", std::make_shared<torch::nn::Module>());
    mbconv = layers->register_module("MBconv", MBConv(in, out, stride));
    window_attention = layers->register_module("window_attention",
                                               PartitionAttention(out, kHeadDim, kPartition, Partition::window));
    grid_attention = layers->register_module("grid_attention",
                                             PartitionAttention(out, kHeadDim, kPartition, Partition::grid));
  }

  /// NCHW in, NCHW out.
  torch::Tensor forward(const torch::Tensor& x) {
    return grid_attention->forward(window_attention->forward(mbconv->forward(x)));
  }

  MBConv mbconv{nullptr};                        ///< layers.MBconv
  PartitionAttention window_attention{nullptr};  ///< layers.window_attention
  PartitionAttention grid_attention{nullptr};    ///< layers.grid_attention
};
TORCH_MODULE(MaxVitLayer);

/// torchvision's MaxVit: conv stem, blocks of MaxVit layers (the first of each at stride 2),
/// then pool, LayerNorm, Linear, Tanh, Linear.
class MaxVit : public ZooNet {
 public:
  /// Builds and initialises maxvit_t as torchvision does.
  MaxVit() {
    constexpr std::int64_t kStem = 64;
    const std::vector<std::int64_t> channels{64, 128, 256, 512};
    const std::vector<std::int64_t> depths{2, 2, 5, 2};
    auto stem = register_module("stem", std::make_shared<torch::nn::Module>());
    stem_a = stem->register_module("0", maxvit_conv(3, kStem, 3, 2, 1));
    auto stem_b_holder = stem->register_module("1", std::make_shared<torch::nn::Module>());
    stem_b = stem_b_holder->register_module("0",
                                            torch::nn::Conv2d(torch::nn::Conv2dOptions(kStem, kStem, 3).padding(1)));

    auto blocks = register_module("blocks", std::make_shared<torch::nn::Module>());
    std::int64_t in = kStem;
    for (std::size_t b = 0; b < channels.size(); ++b) {
      auto block = blocks->register_module(std::to_string(b), std::make_shared<torch::nn::Module>());
      auto list = block->register_module("layers", std::make_shared<torch::nn::Module>());
      for (std::int64_t l = 0; l < depths[b]; ++l) {
        layers_.push_back(list->register_module(std::to_string(l),
                                                MaxVitLayer(l == 0 ? in : channels[b], channels[b], l == 0 ? 2 : 1)));
      }
      in = channels[b];
    }
    auto classifier = register_module("classifier", std::make_shared<torch::nn::Module>());
    head_norm = classifier->register_module("2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({in})));
    pre_logits = classifier->register_module("3", torch::nn::Linear(in, in));
    head = classifier->register_module("5", torch::nn::Linear(torch::nn::LinearOptions(in, 1000).bias(false)));

    torch::NoGradGuard no_grad;
    for (auto& module : modules(/*include_self=*/false)) {
      if (auto* conv = module->as<torch::nn::Conv2d>()) {
        conv->weight.normal_(0.0, 0.02);
        if (conv->bias.defined()) conv->bias.zero_();
      } else if (auto* bn = module->as<torch::nn::BatchNorm2d>()) {
        bn->weight.fill_(1.0);
        bn->bias.zero_();
      } else if (auto* linear = module->as<torch::nn::Linear>()) {
        linear->weight.normal_(0.0, 0.02);
        if (linear->bias.defined()) linear->bias.zero_();
      }
    }
  }

  /// Image batch [N, 3, 224, 224] to logits.
  torch::Tensor forward(torch::Tensor x) override {
    x = stem_b->forward(stem_a->forward(x));
    for (auto& layer : layers_) x = layer->forward(x);
    return head->forward(pre_logits->forward(head_norm->forward(x.mean({2, 3}))).tanh_());
  }

  /// Folds the batch norms of the stem and of every MBConv into their convolutions.
  void fuse_for_inference() override {
    stem_a->fuse();
    for (auto& layer : layers_) layer->mbconv->fuse();
  }

  ConvNormAct stem_a{nullptr};              ///< stem.0
  torch::nn::Conv2d stem_b{nullptr};        ///< stem.1.0
  torch::nn::LayerNorm head_norm{nullptr};  ///< classifier.2
  torch::nn::Linear pre_logits{nullptr};    ///< classifier.3
  torch::nn::Linear head{nullptr};          ///< classifier.5

 private:
  std::vector<MaxVitLayer> layers_;  ///< every layer of every block, in order
};

}  // namespace

ZooNetPtr make_maxvit_t() { return std::make_shared<MaxVit>(); }

}  // namespace greenbatch::engine::zoo
