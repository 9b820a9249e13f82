// int8: the zoo models that have int8 layers run calibrated and stay near fp32; every other
// combination is refused by name; a TorchScript file quantized in PyTorch runs in int8 only, with
// its quantized convolutions' FLOPs counted.
#include <gtest/gtest.h>
#include <torch/csrc/jit/frontend/resolver.h>
#include <torch/script.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "engine/largest_logit.h"
#include "engine/torch_int8.h"
#include "engine/zoo/int8.h"
#include "engine/zoo/zoo_net.h"
#include "greenbatch/core/error.h"
#include "greenbatch/engine/backend_spec.h"
#include "greenbatch/engine/model_catalog.h"
#include "greenbatch/engine/precision_check.h"
#include "greenbatch/engine/preprocess.h"
#include "greenbatch/engine/torch_backend.h"
#include "support/error_message.h"
#include "support/temp_dir.h"

namespace greenbatch::engine {
namespace {

using greenbatch::testing::largest_logit;
using greenbatch::testing::message_of;

TorchOptions zoo_options(const std::string& name, Precision precision) {
  TorchOptions options;
  options.zoo_model = name;
  options.seed = 5;
  options.threads = 2;
  options.crop = name == "inception_v3" ? 96 : 64;  // the smallest its stem and pools accept
  options.precision = precision;
  return options;
}

std::string param_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

class Int8 : public ::testing::TestWithParam<std::string> {};

// Through the backend, as the commands load it: calibrated on generated photos of one seed,
// compared on photos of another, within a tenth of the largest logit. (With the zoo's random
// weights some networks' features vanish, e.g. GoogLeNet's to 1e-11, so that both precisions give
// the head's bias: the layers are compared on weights that keep activations alive below.)
TEST_P(Int8, RunsNearFp32) {
  const auto& name = GetParam();
  const auto fp32 = make_torch_backend(zoo_options(name, Precision::fp32));
  const auto int8 = make_torch_backend(zoo_options(name, Precision::int8));
  EXPECT_EQ(int8->info().precision, "int8");
  EXPECT_TRUE(int8->info().optimized);
  const auto batch = preprocess_generated_images(4, int8->preprocessing());
  const auto expected = fp32->run(batch);
  const auto agreement = compare_scores(int8->run(batch), expected);
  ASSERT_GT(largest_logit(expected), 0.0) << name;
  EXPECT_LE(agreement.max_logit_diff, 0.1 * largest_logit(expected)) << name;
  // The cost per image is the float network's.
  EXPECT_EQ(int8->flops_per_image(), fp32->flops_per_image()) << name;
}

// The same network before and after quantization, its convolutions re-initialised so that
// activations keep their scale through every layer (Kaiming, fan in): the logits move, as int8
// layers run, stay close in RMS, and keep the top class of at least 3 of 4 images.
TEST_P(Int8, LayersStayNearFloatOnLiveActivations) {
  const auto& name = GetParam();
  const auto options = zoo_options(name, Precision::int8);
  torch::manual_seed(7);
  auto net = zoo::build_zoo_net(name);
  {
    torch::NoGradGuard no_grad;
    for (const auto& module : net->modules(/*include_self=*/false)) {
      if (auto* conv = module->as<torch::nn::Conv2d>()) {
        torch::nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanIn, torch::kReLU);
      }
    }
  }
  net->fuse_for_inference();
  auto preprocessing = find_model(name).preprocessing;
  preprocessing.crop = *options.crop;
  auto batch = preprocess_generated_images(4, preprocessing);
  const auto input = torch::from_blob(batch.data.data(), {4, 3, preprocessing.crop, preprocessing.crop})
                         .contiguous(torch::MemoryFormat::ChannelsLast);
  c10::InferenceMode inference;
  const auto expected = net->forward(input);
  ASSERT_TRUE(zoo::use_onednn_quantized_engine());
  quantize_zoo_net(*net, name, preprocessing);
  const auto got = net->forward(input);
  const double scale = expected.abs().max().item<double>();
  const double diff = (got - expected).abs().max().item<double>();
  // Relative RMS error of the logits, and the images whose top class is the same.
  const double rms = ((got - expected).square().mean() / expected.square().mean()).sqrt().item<double>();
  const auto same_top1 = (got.argmax(1) == expected.argmax(1)).sum().item<int>();
  ASSERT_GT(scale, 1e-3) << name << ": activations still vanish";
  EXPECT_GT(diff, 0.0) << name << ": int8 gave float's logits bit for bit";
  // Measured: 2.6-3.7 % for the ResNets, GoogLeNet and Inception v3; 11-12 % for the depthwise
  // networks, whose per-tensor activation ranges (min and max seen) are set by a few outliers.
  const bool depthwise = name == "mobilenet_v2" || name == "mnasnet1_0";
  EXPECT_LE(rms, depthwise ? 0.15 : 0.05) << name;
  EXPECT_GE(same_top1, 3) << name;
}

INSTANTIATE_TEST_SUITE_P(Small, Int8, ::testing::Values("resnet50", "mobilenet_v2", "mnasnet1_0", "googlenet"),
                         param_name);
INSTANTIATE_TEST_SUITE_P(Slow, Int8, ::testing::Values("resnext50_32x4d", "inception_v3"), param_name);

// Every one of them is tested above.
TEST(Int8Models, AreTheTestedOnes) {
  const auto names = int8_zoo_models();
  EXPECT_EQ(std::vector<std::string>(names.begin(), names.end()),
            (std::vector<std::string>{"googlenet", "resnet50", "inception_v3", "resnext50_32x4d", "mobilenet_v2",
                                      "mnasnet1_0"}));
}

// make_backend refuses what check_precision refuses (precision_test.cpp has the cases).
TEST(Int8Models, OthersAreRefusedBeforeLoading) {
  auto spec = BackendSpec::parse_target("shufflenet_v2_x1_0");
  spec.precision = Precision::int8;
  const auto message = message_of<UnsupportedError>([&] { (void)make_backend(spec); });
  EXPECT_NE(message.find("--precision int8 for shufflenet_v2_x1_0"), std::string::npos) << message;
}

TEST(ActivationRange, CoversZeroWithUint8Steps) {
  zoo::ActivationRange range;
  range.observe(torch::tensor({-1.0F, 2.0F}));
  range.observe(torch::tensor({3.1F}));
  const auto q = range.qparams();
  EXPECT_NEAR(q.scale, 4.1 / 255.0, 1e-8);  // 3.1 as a float
  EXPECT_EQ(q.zero_point, 62);              // round(1.0 / (4.1 / 255)) = round(62.2)
  zoo::ActivationRange positive;
  positive.observe(torch::tensor({0.5F, 6.0F}));
  EXPECT_EQ(positive.qparams().zero_point, 0);  // the range starts at 0, not 0.5
  EXPECT_NEAR(positive.qparams().scale, 6.0 / 255.0, 1e-12);
}

// LibTorch 1.13's oneDNN engine packs these weights for the first batch size it runs; batch 8
// then failed after batch 1 ("could not create a primitive descriptor for a reorder primitive").
// Every size runs, and each gives the float convolution within a few quantization steps.
TEST(QuantizedConv, RunsEveryBatchSizeWhateverRanFirst) {
  ASSERT_TRUE(zoo::use_onednn_quantized_engine());
  torch::manual_seed(6);
  const auto weight = torch::randn({192, 1280, 1, 1}) * 0.05;
  const auto bias = torch::zeros({192});
  const zoo::QuantizedConv conv(weight, bias, torch::nn::functional::Conv2dFuncOptions(), {1.0 / 255, 0}, {0.1, 128},
                                /*relu=*/false);
  for (const std::int64_t batch : {1, 8, 1, 4}) {
    const auto x = torch::rand({batch, 1280, 8, 8}).contiguous(torch::MemoryFormat::ChannelsLast);
    const auto got = conv(x);
    ASSERT_EQ(got.size(0), batch);
    const auto expected = torch::conv2d(x, weight, bias);
    EXPECT_LE((got.dequantize() - expected).abs().max().item<double>(), 0.5) << batch;
  }
}

// A residual sum calibrated on float tensors adds int8 ones into the recorded range (ReLU
// applied); one that calibration never saw refuses int8 tensors.
TEST(ResidualSum, AddsInt8IntoTheCalibratedRange) {
  const zoo::ResidualSum sum;
  const auto a = torch::tensor({-1.0F, 0.5F, 2.0F}).reshape({1, 3, 1, 1});
  const auto b = torch::tensor({0.25F, 0.25F, 1.0F}).reshape({1, 3, 1, 1});
  {
    zoo::Int8Calibration calibration;
    const auto calibrated = sum(a.clone(), b, /*relu=*/true);
    EXPECT_TRUE(torch::equal(calibrated, torch::relu(a + b)));
    EXPECT_EQ(calibration.finish(), 1);
  }
  const auto qa = at::quantize_per_tensor(a, 0.02, 128, torch::kQUInt8);
  const auto qb = at::quantize_per_tensor(b, 0.01, 0, torch::kQUInt8);
  ASSERT_TRUE(zoo::use_onednn_quantized_engine());
  const auto out = sum(qa, qb, /*relu=*/true);
  ASSERT_TRUE(out.is_quantized());
  EXPECT_NEAR(out.q_scale(), 3.0 / 255.0, 1e-9);  // [0, 3] seen
  EXPECT_LE((out.dequantize() - torch::relu(a + b)).abs().max().item<double>(), 3.0 / 255.0);
  const zoo::ResidualSum unseen;
  EXPECT_THROW((void)unseen(qa, qb, true), std::logic_error);
}

// TorchScript source names: torch (ATen) and quantized (the quantized operators).
struct QuantizedOpsResolver : torch::jit::NativeResolver {
  std::shared_ptr<torch::jit::SugaredValue> resolveValue(const std::string& name, torch::jit::GraphFunction& m,
                                                         const torch::jit::SourceRange& loc) override {
    if (name == "quantized") return std::make_shared<torch::jit::BuiltinModule>("quantized");
    return NativeResolver::resolveValue(name, m, loc);
  }
};

// A concatenation calibrated on float branches joins int8 branches of different ranges into the
// recorded one.
TEST(ChannelConcat, JoinsInt8BranchesIntoTheCalibratedRange) {
  const zoo::ChannelConcat cat;
  const auto a = torch::tensor({0.0F, 1.0F}).reshape({1, 2, 1, 1});
  const auto b = torch::tensor({4.0F}).reshape({1, 1, 1, 1});
  {
    zoo::Int8Calibration calibration;
    EXPECT_TRUE(torch::equal(cat({a, b}), torch::cat({a, b}, 1)));
    EXPECT_EQ(calibration.finish(), 1);
  }
  ASSERT_TRUE(zoo::use_onednn_quantized_engine());
  const auto out = cat(
      {at::quantize_per_tensor(a, 0.01, 0, torch::kQUInt8), at::quantize_per_tensor(b, 0.02, 0, torch::kQUInt8)});
  ASSERT_TRUE(out.is_quantized());
  EXPECT_NEAR(out.q_scale(), 4.0 / 255.0, 1e-9);  // [0, 4] seen
  EXPECT_LE((out.dequantize() - torch::cat({a, b}, 1)).abs().max().item<double>(), 4.0 / 255.0);
  EXPECT_THROW((void)zoo::ChannelConcat()({out, b}), std::logic_error);
}

// A module that quantizes its input and convolves it with int8 weights, as PyTorch's quantized
// modules do, next to the same computation in float.
torch::jit::Module tiny_module(bool quantized) {
  torch::jit::Module module(quantized ? "__torch__.TinyInt8" : "__torch__.TinyFloat");
  torch::manual_seed(2);
  module.register_parameter("w", torch::randn({8, 3, 3, 3}), false);
  module.register_parameter("fc", torch::randn({8, 10}), false);
  module.register_buffer("scales", torch::full({8}, 0.03, torch::kDouble));
  module.register_buffer("zeros", torch::zeros({8}, torch::kLong));
  // dtypes by number, as TorchScript source takes them: 13 is quint8, 12 qint8.
  module.define(quantized ? R"(
def forward(self, x):
    q = torch.quantize_per_tensor(x, 0.05, 128, 13)
    w = torch.quantize_per_channel(self.w, self.scales, self.zeros, 0, 12)
    packed = quantized.conv2d_prepack(w, None, [1, 1], [1, 1], [1, 1], 1)
    y = quantized.conv2d_relu(q, packed, 0.2, 0)
    return torch.mean(y.dequantize(), [2, 3]).matmul(self.fc)
)"
                          : R"(
def forward(self, x):
    y = torch.relu(torch.conv2d(x, self.w, None, [1, 1], [1, 1]))
    return torch.mean(y, [2, 3]).matmul(self.fc)
)",
                std::make_shared<QuantizedOpsResolver>());
  return module;
}

TEST(Int8TorchScript, QuantizedFileRunsInInt8Only) {
  testing::TempDir dir("int8-file");
  const auto quantized = dir.path() / "int8.pt";
  const auto plain = dir.path() / "float.pt";
  tiny_module(true).save(quantized.string());
  tiny_module(false).save(plain.string());
  TorchOptions options;
  options.crop = 16;
  options.threads = 1;
  options.model_file = plain;
  const auto reference = make_torch_backend(options);

  options.model_file = quantized;
  const auto fp32_message = message_of<UnsupportedError>([&] { (void)make_torch_backend(options); });
  EXPECT_NE(fp32_message.find("is quantized"), std::string::npos) << fp32_message;
  EXPECT_NE(fp32_message.find("--precision int8"), std::string::npos) << fp32_message;

  options.precision = Precision::int8;
  const auto int8 = make_torch_backend(options);
  EXPECT_EQ(int8->info().precision, "int8");
  const auto batch = preprocess_generated_images(2, int8->preprocessing());
  const auto expected = reference->run(batch);
  const auto agreement = compare_scores(int8->run(batch), expected);
  EXPECT_GT(agreement.max_logit_diff, 0.0);
  EXPECT_LE(agreement.max_logit_diff, 0.1 * std::max(1.0, largest_logit(expected)));
  // The int8 convolution counts as the float one: 2 x (16*16 outputs x 8 channels x 27 MACs),
  // plus 2 x 8 x 10 for the matrix product.
  EXPECT_DOUBLE_EQ(int8->flops_per_image().value_or(0.0), 2.0 * (16 * 16 * 8 * 27) + 2.0 * 8 * 10);

  options.model_file = plain;
  const auto int8_message = message_of<UnsupportedError>([&] { (void)make_torch_backend(options); });
  EXPECT_NE(int8_message.find("calls no quantized operator"), std::string::npos) << int8_message;
  EXPECT_NE(int8_message.find("prepare_fx"), std::string::npos) << int8_message;
}

}  // namespace
}  // namespace greenbatch::engine
