#pragma once
/// Internal to engine: blocks shared by the transformer-style zoo families (ViT, Swin, ConvNeXt,
/// MaxViT), named as torchvision names them so that state_dict keys match.

#include <torch/torch.h>

#include <cstdint>
#include <optional>
#include <utility>

#include "layers.h"
#include "packed_linear.h"

namespace greenbatch::engine::zoo {

/// norm(x); a bfloat16 `x` on CPU is normalised in float and rounded back, as CPU autocast does:
/// LibTorch 1.13's bfloat16 layer norm kernel is 2-9x slower than converting around its float one.
torch::Tensor layer_norm(const torch::nn::LayerNorm& norm, const torch::Tensor& x);

/// fc2(gelu(fc1(x))) over the last dimension of `x`: biases fused into the matrix products, GELU
/// in place.
torch::Tensor gelu_mlp(const torch::Tensor& x, const torch::nn::Linear& fc1, const torch::nn::Linear& fc2);

/// fc2(gelu(fc1(x))) through oneDNN-packed layers (see PackedLinear), GELU in place.
torch::Tensor gelu_mlp(const torch::Tensor& x, const PackedLinear& fc1, const PackedLinear& fc2);

/// torchvision.ops.MLP(dim, [hidden, dim], activation_layer=nn.GELU) as ViT and Swin use it:
/// linear children "0" and "3" (GELU and dropouts carry no parameters).
class GeluMlpImpl : public torch::nn::Module {
 public:
  /// `dim` -> `hidden` -> `dim`, each Linear with bias.
  GeluMlpImpl(std::int64_t dim, std::int64_t hidden);
  /// fc2(gelu(fc1(x))), through the packed layers after pack().
  torch::Tensor forward(const torch::Tensor& x);
  /// Weights xavier-uniform, biases normal(std=1e-6), as ViT's MLPBlock initialises them.
  void init_xavier();
  /// Runs both layers as PackedLinear from now on (call with the weights final).
  void pack() { packed_ = {PackedLinear::of(fc1), PackedLinear::of(fc2)}; }

  torch::nn::Linear fc1{nullptr};  ///< child "0"
  torch::nn::Linear fc2{nullptr};  ///< child "3"

 private:
  std::optional<std::pair<PackedLinear, PackedLinear>> packed_;  ///< fc1, fc2 after pack()
};
TORCH_MODULE(GeluMlp);

/// Pair-wise relative position index of the tokens of a `window` x `window` window, as a
/// [window^2, window^2] int64 tensor indexing a (2 * window - 1)^2-row bias table.
torch::Tensor relative_position_index(std::int64_t window);

/// Per-head bias [heads, n, n] gathered from `table` [(2w-1)^2, heads] at `index` (n^2 entries).
torch::Tensor relative_position_bias(const torch::Tensor& table, const torch::Tensor& index, std::int64_t n);

/// The attention of each of the G groups of projected tokens `qkv` [G, P, 3C] (q, k, v split as
/// [3, heads, C / heads]): softmax(scale * q k^T [+ bias]) v with scale = extra_scale /
/// sqrt(C / heads), as [G * P, C]. `bias`, if defined, is [nb, heads, P, P], group g taking bias
/// g % nb (nb divides G).
torch::Tensor attention_context(const torch::Tensor& qkv, std::int64_t heads, double extra_scale,
                                const torch::Tensor& bias = {});

/// Multi-head self-attention of the tokens `x` [N, S, C] through oneDNN-packed projections:
/// proj(attention_context(qkv(x))), as [N, S, C].
torch::Tensor packed_self_attention(const torch::Tensor& x, const PackedLinear& qkv, const PackedLinear& proj,
                                    std::int64_t heads);

/// Multi-head self-attention inside each of the G groups of `x` [G, P, C] with an additive bias:
/// proj(softmax(scale * q k^T + bias) v), q k v from qkv(x) split as [3, heads, C / heads] and
/// scale = extra_scale / sqrt(C / heads). `bias` is [nb, heads, P, P], group g taking bias
/// g % nb (nb divides G). Returns [G, P, C].
torch::Tensor biased_self_attention(const torch::Tensor& x, const torch::nn::Linear& qkv, const torch::nn::Linear& proj,
                                    std::int64_t heads, double extra_scale, const torch::Tensor& bias);

}  // namespace greenbatch::engine::zoo
