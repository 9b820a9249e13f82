// Linear layers run as oneDNN 1x1 convolutions (PackedLinear), and the self-attention built on
// them, give what LibTorch's own linear and native multi-head attention give.
#include "engine/zoo/packed_linear.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <tuple>

#include "engine/zoo/transformer_blocks.h"

namespace greenbatch::engine::zoo {
namespace {

double max_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a.to(torch::kFloat) - b.to(torch::kFloat)).abs().max().item<double>();
}

double scale_of(const torch::Tensor& t) { return std::max(1.0, t.to(torch::kFloat).abs().max().item<double>()); }

// Any leading shape, one row included, in both precisions; a fused ReLU too.
TEST(PackedLinear, EqualsLinear) {
  for (const auto dtype : {torch::kFloat, torch::kBFloat16}) {
    const double tolerance = dtype == torch::kFloat ? 1e-4 : 3e-2;
    torch::manual_seed(3);
    const auto weight = torch::randn({24, 16}).to(dtype);
    const auto bias = torch::randn({24}).to(dtype);
    for (const auto& sizes : {std::vector<std::int64_t>{2, 5, 16}, std::vector<std::int64_t>{1, 16}}) {
      const auto x = torch::randn(sizes).to(dtype);
      const auto expected = torch::linear(x, weight, bias);
      const auto got = PackedLinear::of(weight, bias)(x);
      EXPECT_EQ(got.sizes(), expected.sizes());
      EXPECT_LE(max_diff(got, expected), tolerance * scale_of(expected)) << sizes.size() << "-d input";
      const auto relu = PackedLinear::of(weight, bias)(x, Act::relu);
      ASSERT_GT((expected < 0).sum().item<std::int64_t>(), 0);
      EXPECT_LE(max_diff(relu, torch::relu(expected)), tolerance * scale_of(expected));
    }
  }
}

// A view that is not dense (every other row) is read right.
TEST(PackedLinear, StridedInput) {
  torch::manual_seed(8);
  const auto weight = torch::randn({8, 12});
  const auto bias = torch::randn({8});
  const auto x = torch::randn({10, 12}).slice(0, 0, 10, 2);
  const auto expected = torch::linear(x, weight, bias);
  EXPECT_LE(max_diff(PackedLinear::of(weight, bias)(x), expected), 1e-4 * scale_of(expected));
}

// The packed attention computes what nn.MultiheadAttention's inference kernel computes.
TEST(PackedLinear, SelfAttentionEqualsNativeMultiHeadAttention) {
  torch::manual_seed(9);
  const std::int64_t dim = 32;
  const std::int64_t heads = 4;
  const auto in_weight = torch::randn({3 * dim, dim}) * 0.2;
  const auto in_bias = torch::randn({3 * dim});
  const auto out_weight = torch::randn({dim, dim}) * 0.2;
  const auto out_bias = torch::randn({dim});
  const auto x = torch::randn({2, 7, dim});
  torch::InferenceMode inference;
  const auto expected = std::get<0>(
      at::_native_multi_head_attention(x, x, x, dim, heads, in_weight, in_bias, out_weight, out_bias, {}, false));
  const auto got = packed_self_attention(x, PackedLinear::of(in_weight, in_bias),
                                         PackedLinear::of(out_weight, out_bias), heads);
  EXPECT_EQ(got.sizes(), expected.sizes());
  EXPECT_LE(max_diff(got, expected), 1e-4 * scale_of(expected));
}

}  // namespace
}  // namespace greenbatch::engine::zoo
