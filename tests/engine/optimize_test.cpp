// Load-time optimisation and precision: every zoo model's optimised network (folded batch norms,
// channels-last or blocked oneDNN layouts) gives the plain network's logits within fp32 rounding; bf16 runs
// and stays near fp32 (int8: int8_test.cpp); TorchScript files follow the same options.
#include <gtest/gtest.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "engine/largest_logit.h"
#include "engine/random_batch.h"
#include "engine/zoo/blocked_layout.h"
#include "engine/zoo/layers.h"
#include "engine/zoo/prepacked_conv.h"
#include "greenbatch/core/error.h"
#include "greenbatch/engine/model_catalog.h"
#include "greenbatch/engine/precision_check.h"
#include "greenbatch/engine/torch_backend.h"
#include "support/temp_dir.h"

namespace greenbatch::engine {
namespace {

using greenbatch::testing::largest_logit;
using greenbatch::testing::random_batch;

std::string param_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

// The smallest input each model accepts in a test; transformers need their trained size.
int test_crop(const std::string& name) {
  if (name == "vit_b_16" || name == "swin_t" || name == "maxvit_t") return 224;
  if (name == "inception_v3") return 96;
  return 64;
}

TorchOptions options_for(const std::string& name, bool optimize, Precision precision) {
  TorchOptions options;
  options.zoo_model = name;
  options.seed = 5;
  options.threads = 2;
  options.crop = test_crop(name);
  options.optimize = optimize;
  options.precision = precision;
  return options;
}

class Optimized : public ::testing::TestWithParam<std::string> {};

// Same seed, same input: the optimised network's logits equal the plain network's.
TEST_P(Optimized, EqualsPlainNetwork) {
  const auto& name = GetParam();
  const auto plain = make_torch_backend(options_for(name, false, Precision::fp32));
  const auto optimized = make_torch_backend(options_for(name, true, Precision::fp32));
  EXPECT_FALSE(plain->info().optimized);
  EXPECT_TRUE(optimized->info().optimized);
  const auto batch = random_batch(*plain, 2);
  const auto expected = plain->run(batch);
  const auto got = optimized->run(batch);
  const auto agreement = compare_scores(got, expected);
  ASSERT_TRUE(agreement.measurable) << name << ": random weights scored every class the same";
  const double scale = std::max(1.0, largest_logit(expected));
  EXPECT_LE(agreement.max_logit_diff, 1e-3 * scale) << name;
  EXPECT_EQ(agreement.top1_agreement, 1.0) << name;
  // The cost per image is the network's as built, however it runs.
  EXPECT_EQ(optimized->flops_per_image(), plain->flops_per_image()) << name;
}

// Small models in the unit suite; the heavy ones are labelled slow.
INSTANTIATE_TEST_SUITE_P(Small, Optimized,
                         ::testing::Values("squeezenet1_1", "shufflenet_v2_x1_0", "mobilenet_v2", "mnasnet1_0",
                                           "mobilenet_v3_large", "efficientnet_b0", "googlenet", "regnet_y_1_6gf",
                                           "resnet50", "alexnet"),
                         param_name);
INSTANTIATE_TEST_SUITE_P(Slow, Optimized,
                         ::testing::Values("densenet201", "resnext50_32x4d", "inception_v3", "efficientnet_v2_s",
                                           "convnext_base", "vgg16", "vit_b_16", "swin_t", "maxvit_t"),
                         param_name);

class Bf16 : public ::testing::TestWithParam<std::string> {};

// bf16 runs every model, says so, and its logits stay within bf16 rounding of fp32's (8 bits of
// mantissa: a few percent of the largest logit after a deep network).
TEST_P(Bf16, RunsNearFp32) {
  const auto& name = GetParam();
  const auto fp32 = make_torch_backend(options_for(name, true, Precision::fp32));
  const auto bf16 = make_torch_backend(options_for(name, true, Precision::bf16));
  EXPECT_EQ(bf16->info().precision, "bf16");
  EXPECT_EQ(fp32->info().precision, "fp32");
  const auto batch = random_batch(*fp32, 2);
  const auto expected = fp32->run(batch);
  const auto got = bf16->run(batch);
  const auto agreement = compare_scores(got, expected);
  ASSERT_GT(largest_logit(expected), 0.0) << name << ": random weights gave all-zero logits";
  EXPECT_GT(agreement.max_logit_diff, 0.0) << name << ": bf16 gave fp32's logits bit for bit";
  EXPECT_LE(agreement.max_logit_diff, 0.1 * std::max(1.0, largest_logit(expected))) << name;
}

INSTANTIATE_TEST_SUITE_P(Small, Bf16, ::testing::Values("shufflenet_v2_x1_0", "mobilenet_v3_large", "resnet50"),
                         param_name);
INSTANTIATE_TEST_SUITE_P(Slow, Bf16,
                         ::testing::Values("squeezenet1_1", "mobilenet_v2", "mnasnet1_0", "efficientnet_b0",
                                           "googlenet", "regnet_y_1_6gf", "alexnet", "densenet201", "resnext50_32x4d",
                                           "inception_v3", "efficientnet_v2_s", "convnext_base", "vgg16", "vit_b_16",
                                           "swin_t", "maxvit_t"),
                         param_name);

// oneDNN's prepacked operator ignores strides; a channel slice (ShuffleNet's split) must still
// convolve right, in both precisions.
TEST(PrepackedConv, ChannelSliceEqualsPlainConvolution) {
  for (const auto dtype : {torch::kFloat, torch::kBFloat16}) {
    torch::manual_seed(4);
    const auto weight = torch::randn({16, 16, 3, 3}).to(dtype);
    const auto bias = torch::randn({16}).to(dtype);
    const auto options = torch::nn::functional::Conv2dFuncOptions().padding(1);
    const auto full = torch::randn({2, 32, 8, 8}).to(dtype).contiguous(torch::MemoryFormat::ChannelsLast);
    const auto slice = full.chunk(2, 1)[1];
    const auto conv = zoo::PrepackedConv::make(weight, bias, options, slice.sizes());
    ASSERT_TRUE(conv.has_value()) << "this LibTorch has oneDNN; the operator must be found";
    const auto expected = torch::nn::functional::conv2d(slice, weight,
                                                        torch::nn::functional::Conv2dFuncOptions(options).bias(bias));
    const double tolerance = (dtype == torch::kFloat ? 1e-4 : 2e-2) *
                             std::max(1.0, expected.abs().max().to(torch::kFloat).item<double>());
    EXPECT_LE(((*conv)(slice).to(torch::kFloat) - expected.to(torch::kFloat)).abs().max().item<double>(), tolerance);
  }
}

// With the ReLU computed inside oneDNN's convolution: relu(conv(x)) in both precisions, negative
// outputs included (the bias is shifted down so that about half of them are).
TEST(PrepackedConv, FusedReluEqualsConvolutionThenRelu) {
  for (const auto dtype : {torch::kFloat, torch::kBFloat16}) {
    torch::manual_seed(6);
    const auto weight = torch::randn({8, 4, 3, 3}).to(dtype).contiguous(torch::MemoryFormat::ChannelsLast);
    const auto bias = (torch::randn({8}) - 0.5).to(dtype);
    const auto options = torch::nn::functional::Conv2dFuncOptions().stride(2).padding(1);
    const auto x = torch::randn({3, 4, 9, 9}).to(dtype).contiguous(torch::MemoryFormat::ChannelsLast);
    const auto conv = zoo::PrepackedConv::make(weight, bias, options, x.sizes(), /*relu=*/true);
    ASSERT_TRUE(conv.has_value());
    EXPECT_TRUE(conv->fuses_relu());
    const auto plain = torch::nn::functional::conv2d(x, weight,
                                                     torch::nn::functional::Conv2dFuncOptions(options).bias(bias));
    ASSERT_GT((plain < 0).sum().item<std::int64_t>(), 0) << "the test needs negative convolution outputs";
    const auto expected = torch::relu(plain).to(torch::kFloat);
    const auto got = (*conv)(x).to(torch::kFloat);
    EXPECT_EQ(got.min().item<float>(), 0.0F);
    const double tolerance = (dtype == torch::kFloat ? 1e-4 : 2e-2) * std::max(1.0, expected.max().item<double>());
    EXPECT_LE((got - expected).abs().max().item<double>(), tolerance);
  }
}

// oneDNN's blocked layout (MobileNetV2's): a depthwise folded convolution and its ReLU6 take a
// blocked tensor, give a blocked one, and equal the dense convolution clamped to [0, 6], outputs
// below 0 and above 6 included.
TEST(BlockedLayout, DepthwiseConvolutionAndRelu6EqualDense) {
  torch::manual_seed(8);
  zoo::FoldedConv conv;
  conv.weight = torch::randn({16, 1, 3, 3}) * 3;
  conv.bias = torch::randn({16});
  conv.options = torch::nn::functional::Conv2dFuncOptions().stride(2).padding(1).groups(16);
  const auto x = torch::randn({2, 16, 9, 9});
  const auto plain = torch::nn::functional::conv2d(
      x, conv.weight, torch::nn::functional::Conv2dFuncOptions(conv.options).bias(conv.bias));
  ASSERT_GT((plain < 0).sum().item<std::int64_t>(), 0) << "the test needs outputs below 0";
  ASSERT_GT((plain > 6).sum().item<std::int64_t>(), 0) << "the test needs outputs above 6";
  ASSERT_TRUE(zoo::runs_in_blocked_layout(x));
  const auto blocked = conv(x.to_mkldnn(), zoo::Act::relu6);
  ASSERT_TRUE(blocked.is_mkldnn());
  EXPECT_LE((blocked.to_dense() - torch::clamp(plain, 0, 6)).abs().max().item<double>(), 1e-4);
  // The same folded convolution still takes dense tensors (the other batches of a network).
  EXPECT_LE((conv(x, zoo::Act::relu6) - torch::clamp(plain, 0, 6)).abs().max().item<double>(), 1e-4);
  // Pooled back to a dense [N, C].
  const auto pooled = zoo::global_average_blocked(blocked);
  EXPECT_FALSE(pooled.is_mkldnn());
  EXPECT_LE((pooled - torch::clamp(plain, 0, 6).mean({2, 3})).abs().max().item<double>(), 1e-4);
}

// An activation without a blocked-layout kernel is a programming error, not a silent conversion.
TEST(BlockedLayout, OtherActivationsAreRefused) {
  EXPECT_THROW(zoo::activate(zoo::Act::hardswish, torch::randn({1, 8, 4, 4}).to_mkldnn()), std::logic_error);
}

TEST(Precision, UnoptimizedBf16RunsToo) {
  const auto backend = make_torch_backend(options_for("shufflenet_v2_x1_0", false, Precision::bf16));
  const auto scores = backend->run(random_batch(*backend, 1));
  EXPECT_EQ(scores.classes, 1000);
  EXPECT_TRUE(std::all_of(scores.values.begin(), scores.values.end(), [](float v) { return std::isfinite(v); }));
}

// A TorchScript file in bf16 and optimised (frozen + optimize_for_inference) gives the plain
// module's output, and its FLOPs are still counted.
TEST(Precision, TorchScriptFileOptimizedAndBf16) {
  testing::TempDir dir("precision-file");
  torch::jit::Module module("__torch__.TinyConv");
  torch::manual_seed(2);
  module.register_parameter("w", torch::randn({8, 3, 3, 3}), false);
  module.register_parameter("fc", torch::randn({8, 10}), false);
  module.define(R"(
def forward(self, x):
    y = torch.relu(torch.conv2d(x, self.w, None, [1, 1], [1, 1]))
    return torch.mean(y, [2, 3]).matmul(self.fc)
)");
  const auto file = dir.path() / "tiny.pt";
  module.save(file.string());
  TorchOptions options;
  options.model_file = file;
  options.crop = 16;
  options.threads = 1;
  options.optimize = false;
  const auto plain = make_torch_backend(options);
  options.optimize = true;
  const auto optimized = make_torch_backend(options);
  options.precision = Precision::bf16;
  const auto bf16 = make_torch_backend(options);
  const auto batch = random_batch(*plain, 2);
  const auto expected = plain->run(batch);
  EXPECT_LE(compare_scores(optimized->run(batch), expected).max_logit_diff,
            1e-4 * std::max(1.0, largest_logit(expected)));
  const auto reduced = compare_scores(bf16->run(batch), expected);
  EXPECT_GT(reduced.max_logit_diff, 0.0);
  EXPECT_LE(reduced.max_logit_diff, 0.05 * std::max(1.0, largest_logit(expected)));
  EXPECT_EQ(bf16->info().precision, "bf16");
  // 2 x (16*16 outputs x 8 channels x 27 MACs) + 2 x 8 x 10 for the matrix product.
  EXPECT_DOUBLE_EQ(optimized->flops_per_image().value_or(0.0), 2.0 * (16 * 16 * 8 * 27) + 2.0 * 8 * 10);
}

}  // namespace
}  // namespace greenbatch::engine
