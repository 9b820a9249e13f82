// FLOP counting from operator shapes, against hand-computed counts.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "engine/flop_counter.h"

namespace greenbatch::engine {
namespace {

TEST(FlopCounter, ConvolutionIsTwiceOutputTimesKernelVolume) {
  torch::nn::Conv2d conv(torch::nn::Conv2dOptions(3, 4, 3).padding(1).stride(2));
  const auto x = torch::randn({2, 3, 8, 8});
  const FlopCounter counter;
  (void)conv->forward(x);
  // out 4x4 per image: 2 images * 4 out channels * 16 positions * (3 * 3 * 3) MACs * 2.
  EXPECT_DOUBLE_EQ(counter.flops(), 2.0 * 2 * 4 * 16 * 27);
}

TEST(FlopCounter, GroupedConvolutionDividesByGroups) {
  torch::nn::Conv2d conv(torch::nn::Conv2dOptions(8, 8, 3).padding(1).groups(8));
  const FlopCounter counter;
  (void)conv->forward(torch::randn({1, 8, 5, 5}));
  EXPECT_DOUBLE_EQ(counter.flops(), 2.0 * 8 * 25 * 9);
}

TEST(FlopCounter, LinearAndBatchedMatmulAreCountedOnce) {
  torch::nn::Linear linear(5, 7);
  const FlopCounter counter;
  (void)linear->forward(torch::randn({2, 5}));                            // addmm: 2*5*7 MACs
  (void)linear->forward(torch::randn({3, 4, 5}));                         // 12*5*7 MACs through matmul or addmm
  (void)torch::matmul(torch::randn({6, 2, 3}), torch::randn({6, 3, 4}));  // bmm: 6*2*3*4 MACs
  EXPECT_DOUBLE_EQ(counter.flops(), 2.0 * (2 * 5 * 7 + 12 * 5 * 7 + 6 * 2 * 3 * 4));
}

TEST(FlopCounter, ElementwiseOpsAndPoolingCostNothing) {
  const FlopCounter counter;
  (void)torch::max_pool2d(torch::relu(torch::randn({1, 2, 8, 8}) + 1), 2);
  EXPECT_DOUBLE_EQ(counter.flops(), 0.0);
}

}  // namespace
}  // namespace greenbatch::engine
