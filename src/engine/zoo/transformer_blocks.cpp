// Blocks shared by the transformer-style zoo families: MLP, relative position bias, attention.
#include "transformer_blocks.h"

#include <cmath>

namespace greenbatch::engine::zoo {

torch::Tensor layer_norm(const torch::nn::LayerNorm& norm, const torch::Tensor& x) {
  const auto& o = norm->options;
  if (x.scalar_type() != torch::kBFloat16 || !x.is_cpu()) {
    return at::layer_norm(x, o.normalized_shape(), norm->weight, norm->bias, o.eps());
  }
  const auto f32 = [](const torch::Tensor& t) { return t.defined() ? t.to(torch::kFloat) : t; };
  return at::layer_norm(x.to(torch::kFloat), o.normalized_shape(), f32(norm->weight), f32(norm->bias), o.eps())
      .to(x.scalar_type());
}

torch::Tensor gelu_mlp(const torch::Tensor& x, const torch::nn::Linear& fc1, const torch::nn::Linear& fc2) {
  const auto flat = x.reshape({-1, x.size(-1)});
  // Bias in the matrix product, GELU in place: the kernels at::_addmm_activation runs on CPU.
  auto hidden = at::addmm(fc1->bias, flat, fc1->weight.t());
  at::gelu_(hidden);
  auto sizes = x.sizes().vec();
  sizes.back() = fc2->weight.size(0);
  return at::addmm(fc2->bias, hidden, fc2->weight.t()).view(sizes);
}

torch::Tensor gelu_mlp(const torch::Tensor& x, const PackedLinear& fc1, const PackedLinear& fc2) {
  auto hidden = fc1(x);
  at::gelu_(hidden);
  return fc2(hidden);
}

GeluMlpImpl::GeluMlpImpl(std::int64_t dim, std::int64_t hidden) {
  fc1 = register_module("0", torch::nn::Linear(dim, hidden));
  fc2 = register_module("3", torch::nn::Linear(hidden, dim));
}

torch::Tensor GeluMlpImpl::forward(const torch::Tensor& x) {
  return packed_ ? gelu_mlp(x, packed_->first, packed_->second) : gelu_mlp(x, fc1, fc2);
}

void GeluMlpImpl::init_xavier() {
  torch::NoGradGuard no_grad;
  for (auto* fc : {&fc1, &fc2}) {
    torch::nn::init::xavier_uniform_((*fc)->weight);
    torch::nn::init::normal_((*fc)->bias, 0.0, 1e-6);
  }
}

torch::Tensor relative_position_index(std::int64_t window) {
  const auto pos = torch::arange(window, torch::kLong);
  const auto rows = pos.repeat_interleave(window);  // token t = (rows[t], cols[t])
  const auto cols = pos.repeat(window);
  const auto dr = rows.unsqueeze(1) - rows.unsqueeze(0) + (window - 1);
  const auto dc = cols.unsqueeze(1) - cols.unsqueeze(0) + (window - 1);
  return dr * (2 * window - 1) + dc;
}

torch::Tensor relative_position_bias(const torch::Tensor& table, const torch::Tensor& index, std::int64_t n) {
  return table.index_select(0, index.reshape(-1)).view({n, n, -1}).permute({2, 0, 1});
}

torch::Tensor attention_context(const torch::Tensor& qkv, std::int64_t heads, double extra_scale,
                                const torch::Tensor& bias) {
  const auto groups = qkv.size(0);
  const auto tokens = qkv.size(1);
  const auto channels = qkv.size(2) / 3;
  const auto head_dim = channels / heads;
  // [3, G * heads, P, head_dim]: contiguous q, k, v.
  const auto packed = qkv.view({groups, tokens, 3, heads, head_dim})
                          .permute({2, 0, 3, 1, 4})
                          .reshape({3, groups * heads, tokens, head_dim});
  const auto q = packed[0].mul_(extra_scale / std::sqrt(static_cast<double>(head_dim)));
  const auto k = packed[1];
  const auto v = packed[2];
  auto scores = at::bmm(q, k.transpose(1, 2));
  if (bias.defined()) scores.view({groups / bias.size(0), bias.size(0), heads, tokens, tokens}).add_(bias);
  at::_softmax_out(scores, scores, -1, false);  // in place: the kernel works row by row
  return at::bmm(scores, v)
      .view({groups, heads, tokens, head_dim})
      .transpose(1, 2)
      .reshape({groups * tokens, channels});
}

torch::Tensor packed_self_attention(const torch::Tensor& x, const PackedLinear& qkv, const PackedLinear& proj,
                                    std::int64_t heads) {
  return proj(attention_context(qkv(x), heads, 1.0)).view(x.sizes());
}

torch::Tensor biased_self_attention(const torch::Tensor& x, const torch::nn::Linear& qkv, const torch::nn::Linear& proj,
                                    std::int64_t heads, double extra_scale, const torch::Tensor& bias) {
  const auto channels = x.size(2);
  const auto projected =
      at::addmm(qkv->bias, x.reshape({-1, channels}), qkv->weight.t()).view({x.size(0), x.size(1), -1});
  const auto context = attention_context(projected, heads, extra_scale, bias);
  return at::addmm(proj->bias, context, proj->weight.t()).view(x.sizes());
}

}  // namespace greenbatch::engine::zoo
