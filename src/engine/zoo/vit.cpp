// Vision Transformer (torchvision.models.vision_transformer): vit_b_16.
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "families.h"
#include "transformer_blocks.h"

namespace greenbatch::engine::zoo {
namespace {

/// The parameters of nn.MultiheadAttention(dim, heads, batch_first=True): packed q/k/v projection
/// "in_proj_weight"/"in_proj_bias" and the output projection "out_proj".
class SelfAttentionImpl : public torch::nn::Module {
 public:
  /// Initialised as nn.MultiheadAttention does: in_proj xavier-uniform, biases zero, out_proj's
  /// weight keeps Linear's default.
  explicit SelfAttentionImpl(std::int64_t dim) {
    in_proj_weight = register_parameter("in_proj_weight", torch::empty({3 * dim, dim}));
    in_proj_bias = register_parameter("in_proj_bias", torch::empty({3 * dim}));
    out_proj = register_module("out_proj", torch::nn::Linear(dim, dim));
    torch::NoGradGuard no_grad;
    torch::nn::init::xavier_uniform_(in_proj_weight);
    in_proj_bias.zero_();
    out_proj->bias.zero_();
  }

  torch::Tensor in_proj_weight;         ///< [3 * dim, dim]
  torch::Tensor in_proj_bias;           ///< [3 * dim]
  torch::nn::Linear out_proj{nullptr};  ///< output projection
};
TORCH_MODULE(SelfAttention);

/// torchvision's EncoderBlock: x + attn(ln_1(x)), then + mlp(ln_2(.)), pre-norm, GELU MLP.
class EncoderBlockImpl : public torch::nn::Module {
 public:
  /// `heads` attention heads over `dim` features, MLP hidden size `mlp_dim`.
  EncoderBlockImpl(std::int64_t heads, std::int64_t dim, std::int64_t mlp_dim) : heads_(heads), dim_(dim) {
    ln_1 = register_module("ln_1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(kEps)));
    self_attention = register_module("self_attention", SelfAttention(dim));
    ln_2 = register_module("ln_2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(kEps)));
    mlp = register_module("mlp", GeluMlp(dim, mlp_dim));
    mlp->init_xavier();
  }

  /// The block on [N, S, dim] tokens. The attention is ATen's native multi-head attention, the
  /// kernel PyTorch's nn.MultiheadAttention fast path runs in inference; after pack(), the same
  /// computation with the projections on oneDNN.
  torch::Tensor forward(const torch::Tensor& x) {
    const auto normed = layer_norm(ln_1, x);
    auto y = packed_ ? packed_self_attention(normed, packed_->first, packed_->second, heads_)
                     // One tensor as query, key and value: the kernel then projects q, k, v in one product.
                     : std::get<0>(at::_native_multi_head_attention(
                           normed, normed, normed, dim_, heads_, self_attention->in_proj_weight,
                           self_attention->in_proj_bias, self_attention->out_proj->weight,
                           self_attention->out_proj->bias, /*mask=*/{}, /*need_weights=*/false));
    y.add_(x);
    return y.add_(mlp->forward(layer_norm(ln_2, y)));
  }

  /// Runs every projection as a PackedLinear from now on (call with the weights final).
  void pack() {
    packed_ = {PackedLinear::of(self_attention->in_proj_weight, self_attention->in_proj_bias),
               PackedLinear::of(self_attention->out_proj)};
    mlp->pack();
  }

  static constexpr double kEps = 1e-6;  ///< LayerNorm epsilon of ViT

  torch::nn::LayerNorm ln_1{nullptr};     ///< before attention
  SelfAttention self_attention{nullptr};  ///< multi-head self-attention
  torch::nn::LayerNorm ln_2{nullptr};     ///< before the MLP
  GeluMlp mlp{nullptr};                   ///< GELU MLP

 private:
  std::int64_t heads_;                                           ///< attention heads
  std::int64_t dim_;                                             ///< token width
  std::optional<std::pair<PackedLinear, PackedLinear>> packed_;  ///< q/k/v and output projections after pack()
};
TORCH_MODULE(EncoderBlock);

/// Options of a VisionTransformer.
struct VitConfig {
  std::int64_t image_size = 224;  ///< square input side
  std::int64_t patch_size = 16;   ///< square patch side
  std::int64_t layers = 12;       ///< encoder blocks
  std::int64_t heads = 12;        ///< attention heads
  std::int64_t hidden = 768;      ///< token width
  std::int64_t mlp_dim = 3072;    ///< MLP hidden width
};

/// torchvision's VisionTransformer with the patchify stem and a single linear head.
class VisionTransformer : public ZooNet {
 public:
  /// Builds and initialises the network as torchvision does, except the head: torchvision zeroes
  /// it (for fine-tuning), which makes every logit of random weights 0 whatever the image, so
  /// that checks of precision and optimisation would compare zeros; it keeps Linear's default.
  explicit VisionTransformer(const VitConfig& c) {
    const auto seq = (c.image_size / c.patch_size) * (c.image_size / c.patch_size) + 1;
    conv_proj = register_module(
        "conv_proj", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, c.hidden, c.patch_size).stride(c.patch_size)));
    class_token = register_parameter("class_token", torch::zeros({1, 1, c.hidden}));
    auto encoder = register_module("encoder", std::make_shared<torch::nn::Module>());
    pos_embedding = encoder->register_parameter("pos_embedding", torch::empty({1, seq, c.hidden}));
    {
      torch::NoGradGuard no_grad;
      pos_embedding.normal_(0.0, 0.02);
    }
    auto layers = encoder->register_module("layers", std::make_shared<torch::nn::Module>());
    for (std::int64_t i = 0; i < c.layers; ++i) {
      blocks_.push_back(
          layers->register_module("encoder_layer_" + std::to_string(i), EncoderBlock(c.heads, c.hidden, c.mlp_dim)));
    }
    ln = encoder->register_module(
        "ln", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden}).eps(EncoderBlockImpl::kEps)));
    auto heads = register_module("heads", std::make_shared<torch::nn::Module>());
    head = heads->register_module("head", torch::nn::Linear(c.hidden, 1000));

    torch::NoGradGuard no_grad;
    const auto fan_in = 3 * c.patch_size * c.patch_size;
    trunc_normal_(conv_proj->weight, std::sqrt(1.0 / static_cast<double>(fan_in)));
    conv_proj->bias.zero_();
  }

  /// Patchify, prepend the class token, add positions, encode; classify the class token.
  torch::Tensor forward(torch::Tensor x) override {
    const auto n = x.size(0);
    x = conv_proj->forward(x).flatten(2).transpose(1, 2);  // [N, patches, hidden]
    x = torch::cat({class_token.expand({n, -1, -1}), x}, 1).add_(pos_embedding);
    for (auto& block : blocks_) x = block->forward(x);
    // The final LayerNorm is per token and only the class token is read.
    return head->forward(ln->forward(x.select(1, 0)));
  }

  /// The encoder's matrix products on oneDNN (see PackedLinear).
  void fuse_for_inference() override {
    for (auto& block : blocks_) block->pack();
  }

  torch::nn::Conv2d conv_proj{nullptr};  ///< patch embedding
  torch::Tensor class_token;             ///< [1, 1, hidden]
  torch::Tensor pos_embedding;           ///< encoder.pos_embedding [1, seq, hidden]
  torch::nn::LayerNorm ln{nullptr};      ///< encoder.ln
  torch::nn::Linear head{nullptr};       ///< heads.head

 private:
  std::vector<EncoderBlock> blocks_;  ///< encoder.layers, in order
};

}  // namespace

ZooNetPtr make_vit_b_16() { return std::make_shared<VisionTransformer>(VitConfig{}); }

}  // namespace greenbatch::engine::zoo
