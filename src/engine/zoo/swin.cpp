// Swin Transformer (torchvision.models.swin_transformer, v1): swin_t.
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "families.h"
#include "transformer_blocks.h"

namespace greenbatch::engine::zoo {
namespace {

namespace F = torch::nn::functional;

/// LayerNorm epsilon of Swin v1.
constexpr double kEps = 1e-5;

/// A LayerNorm over `dim` features with Swin's epsilon.
torch::nn::LayerNorm swin_norm(std::int64_t dim) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(kEps));
}

/// For a [height, width] map cyclically shifted by -`shift` and cut into `window` x `window`
/// windows: the row-major map position of each token in window order ([height * width] int64).
torch::Tensor window_order(std::int64_t height, std::int64_t width, std::int64_t window,
                           const std::array<std::int64_t, 2>& shift) {
  auto pos = torch::arange(height * width, torch::kLong).view({height, width});
  if (shift[0] || shift[1]) pos = torch::roll(pos, {-shift[0], -shift[1]}, {0, 1});
  return pos.view({height / window, window, width / window, window}).permute({0, 2, 1, 3}).reshape(-1);
}

/// The attention mask of a cyclically shifted [height, width] map cut into `window` windows:
/// [windows, 1, P, P], -100 between tokens that came from different regions, else 0.
torch::Tensor shift_mask(std::int64_t height, std::int64_t width, std::int64_t window,
                         const std::array<std::int64_t, 2>& shift) {
  // Region of each row/column of the shifted map: 0 before the last window, 1 inside it before
  // the wrapped-around part, 2 in that part.
  const auto region = [&](std::int64_t size, std::int64_t s) {
    const auto pos = torch::arange(size, torch::kLong);
    return (pos >= size - window).to(torch::kLong) + (pos >= size - s).to(torch::kLong);
  };
  const auto label = region(height, shift[0]).unsqueeze(1) * 3 + region(width, shift[1]).unsqueeze(0);
  const auto windows = label.view({height / window, window, width / window, window})
                           .permute({0, 2, 1, 3})
                           .reshape({-1, window * window});
  const auto differs = windows.unsqueeze(1) != windows.unsqueeze(2);
  return torch::zeros(differs.sizes()).masked_fill_(differs, -100.0).unsqueeze(1);
}

/// torchvision's ShiftedWindowAttention: window multi-head self-attention with a learnt relative
/// position bias, on a map cyclically shifted by `shift` (0 = plain windows).
class ShiftedWindowAttentionImpl : public torch::nn::Module {
 public:
  /// `heads` heads over `dim` features in `window` x `window` windows.
  ShiftedWindowAttentionImpl(std::int64_t dim, std::int64_t window, std::int64_t shift, std::int64_t heads)
      : window_(window), shift_(shift), heads_(heads) {
    qkv = register_module("qkv", torch::nn::Linear(dim, 3 * dim));
    proj = register_module("proj", torch::nn::Linear(dim, dim));
    relative_position_bias_table = register_parameter("relative_position_bias_table",
                                                      torch::zeros({(2 * window - 1) * (2 * window - 1), heads}));
    trunc_normal_(relative_position_bias_table, 0.02);
    relative_position_index = register_buffer("relative_position_index",
                                              zoo::relative_position_index(window).flatten());
  }

  /// Attention on [B, H, W, C]; returns the same layout.
  torch::Tensor forward(const torch::Tensor& input) {
    const auto batch = input.size(0);
    const auto height = input.size(1);
    const auto width = input.size(2);
    const auto channels = input.size(3);
    const auto pad_b = (window_ - height % window_) % window_;
    const auto pad_r = (window_ - width % window_) % window_;
    auto x = (pad_b || pad_r) ? F::pad(input, F::PadFuncOptions({0, 0, 0, pad_r, 0, pad_b})) : input;
    const auto ph = x.size(1);
    const auto pw = x.size(2);
    // No shift along an axis that one window already covers.
    const std::array<std::int64_t, 2> shift{window_ >= ph ? 0 : shift_, window_ >= pw ? 0 : shift_};
    const bool shifted = shift[0] || shift[1];
    // Shift and window partition as one gather of tokens (torch.roll costs several copies).
    const auto order = window_order(ph, pw, window_, shift);
    const auto tokens = window_ * window_;
    x = x.reshape({batch, ph * pw, channels}).index_select(1, order).view({-1, tokens, channels});
    auto bias = relative_position_bias(relative_position_bias_table, relative_position_index, tokens).unsqueeze(0);
    if (shifted) bias = bias + shift_mask(ph, pw, window_, shift);
    x = biased_self_attention(x, qkv, proj, heads_, 1.0, bias);
    const auto inverse = torch::empty_like(order).scatter_(0, order, torch::arange(ph * pw, torch::kLong));
    x = x.view({batch, ph * pw, channels}).index_select(1, inverse).view({batch, ph, pw, channels});
    return (pad_b || pad_r) ? x.slice(1, 0, height).slice(2, 0, width) : x;
  }

  torch::nn::Linear qkv{nullptr};              ///< packed q/k/v projection
  torch::nn::Linear proj{nullptr};             ///< output projection
  torch::Tensor relative_position_bias_table;  ///< [(2w-1)^2, heads]
  torch::Tensor relative_position_index;       ///< buffer [w^4]

 private:
  std::int64_t window_;  ///< window side
  std::int64_t shift_;   ///< cyclic shift (0 or window / 2)
  std::int64_t heads_;   ///< attention heads
};
TORCH_MODULE(ShiftedWindowAttention);

/// torchvision's SwinTransformerBlock: x + attn(norm1(x)), then + mlp(norm2(.)).
class SwinBlockImpl : public torch::nn::Module {
 public:
  /// One block of `dim` features; odd blocks of a stage shift their windows by half a window.
  SwinBlockImpl(std::int64_t dim, std::int64_t heads, std::int64_t window, std::int64_t shift) {
    norm1 = register_module("norm1", swin_norm(dim));
    attn = register_module("attn", ShiftedWindowAttention(dim, window, shift, heads));
    norm2 = register_module("norm2", swin_norm(dim));
    mlp = register_module("mlp", GeluMlp(dim, 4 * dim));
  }

  /// The block on [B, H, W, C], updating `x` in place.
  torch::Tensor forward(torch::Tensor x) {
    x.add_(attn->forward(layer_norm(norm1, x)));
    return x.add_(mlp->forward(layer_norm(norm2, x)));
  }

  torch::nn::LayerNorm norm1{nullptr};   ///< before attention
  ShiftedWindowAttention attn{nullptr};  ///< (shifted) window attention
  torch::nn::LayerNorm norm2{nullptr};   ///< before the MLP
  GeluMlp mlp{nullptr};                  ///< GELU MLP, hidden 4 * dim
};
TORCH_MODULE(SwinBlock);

/// torchvision's PatchMerging: 2x2 neighbourhoods concatenated, normalised, projected to 2 * dim.
class PatchMergingImpl : public torch::nn::Module {
 public:
  /// Merges a map of `dim` features.
  explicit PatchMergingImpl(std::int64_t dim) {
    reduction = register_module("reduction", torch::nn::Linear(torch::nn::LinearOptions(4 * dim, 2 * dim).bias(false)));
    norm = register_module("norm", swin_norm(4 * dim));
  }

  /// [B, H, W, C] -> [B, ceil(H/2), ceil(W/2), 2C].
  torch::Tensor forward(torch::Tensor x) {
    const auto height = x.size(1);
    const auto width = x.size(2);
    const auto channels = x.size(3);
    if (height % 2 || width % 2) x = F::pad(x, F::PadFuncOptions({0, 0, 0, width % 2, 0, height % 2}));
    const auto h2 = x.size(1) / 2;
    const auto w2 = x.size(2) / 2;
    // torchvision concatenates (row, col) offsets (0,0), (1,0), (0,1), (1,1): column-major.
    x = x.view({-1, h2, 2, w2, 2, channels}).permute({0, 1, 3, 4, 2, 5}).reshape({-1, h2, w2, 4 * channels});
    return reduction->forward(norm->forward(x));
  }

  torch::nn::Linear reduction{nullptr};  ///< 4C -> 2C, no bias
  torch::nn::LayerNorm norm{nullptr};    ///< over 4C
};
TORCH_MODULE(PatchMerging);

/// Options of a SwinTransformer (v1).
struct SwinConfig {
  std::int64_t patch = 4;                         ///< square patch side
  std::int64_t embed_dim = 96;                    ///< width of the first stage
  std::vector<std::int64_t> depths{2, 2, 6, 2};   ///< blocks per stage
  std::vector<std::int64_t> heads{3, 6, 12, 24};  ///< attention heads per stage
  std::int64_t window = 7;                        ///< square window side
};

/// torchvision's SwinTransformer: patch embedding, stages of Swin blocks separated by patch
/// merging, LayerNorm, average pool, linear head.
class SwinTransformer : public ZooNet {
 public:
  /// Builds and initialises the network as torchvision does.
  explicit SwinTransformer(const SwinConfig& c) {
    auto features = register_module("features", std::make_shared<torch::nn::Module>());
    auto stem = features->register_module("0", std::make_shared<torch::nn::Module>());
    patch_embed = stem->register_module(
        "0", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, c.embed_dim, c.patch).stride(c.patch)));
    patch_norm = stem->register_module("2", swin_norm(c.embed_dim));

    std::int64_t index = 1;
    for (std::size_t s = 0; s < c.depths.size(); ++s) {
      const auto dim = c.embed_dim << s;
      auto stage = features->register_module(std::to_string(index++), std::make_shared<torch::nn::Module>());
      for (std::int64_t b = 0; b < c.depths[s]; ++b) {
        const auto shift = b % 2 == 0 ? 0 : c.window / 2;
        stages_.push_back(stage->register_module(std::to_string(b), SwinBlock(dim, c.heads[s], c.window, shift)));
      }
      if (s + 1 < c.depths.size()) {
        merges_.push_back(features->register_module(std::to_string(index++), PatchMerging(dim)));
      }
      stage_ends_.push_back(stages_.size());
    }
    const auto features_out = c.embed_dim << (c.depths.size() - 1);
    norm = register_module("norm", swin_norm(features_out));
    head = register_module("head", torch::nn::Linear(features_out, 1000));

    torch::NoGradGuard no_grad;
    for (auto& module : modules(/*include_self=*/false)) {
      if (auto* linear = module->as<torch::nn::Linear>()) {
        trunc_normal_(linear->weight, 0.02);
        if (linear->bias.defined()) linear->bias.zero_();
      }
    }
  }

  /// Image batch [N, 3, H, W] to logits.
  torch::Tensor forward(torch::Tensor x) override {
    x = patch_norm->forward(patch_embed->forward(x).permute({0, 2, 3, 1}));
    std::size_t block = 0;
    for (std::size_t s = 0; s < stage_ends_.size(); ++s) {
      for (; block < stage_ends_[s]; ++block) x = stages_[block]->forward(x);
      if (s < merges_.size()) x = merges_[s]->forward(x);
    }
    return head->forward(norm->forward(x).mean({1, 2}));
  }

  /// The blocks' MLPs on oneDNN (see PackedLinear).
  void fuse_for_inference() override {
    for (auto& block : stages_) block->mlp->pack();
  }

  torch::nn::Conv2d patch_embed{nullptr};    ///< features.0.0
  torch::nn::LayerNorm patch_norm{nullptr};  ///< features.0.2
  torch::nn::LayerNorm norm{nullptr};        ///< final norm
  torch::nn::Linear head{nullptr};           ///< classifier

 private:
  std::vector<SwinBlock> stages_;        ///< every block, in order
  std::vector<std::size_t> stage_ends_;  ///< one past each stage's last block
  std::vector<PatchMerging> merges_;     ///< after each stage but the last
};

}  // namespace

ZooNetPtr make_swin_t() { return std::make_shared<SwinTransformer>(SwinConfig{}); }

}  // namespace greenbatch::engine::zoo
