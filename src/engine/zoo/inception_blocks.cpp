// What GoogLeNet and Inception v3 share: BasicConv2d, transform_input, truncated-normal init.
#include "inception_blocks.h"

namespace greenbatch::engine::zoo {

BasicConv2dImpl::BasicConv2dImpl(std::int64_t in, std::int64_t out, torch::ExpandingArray<2> kernel,
                                 torch::ExpandingArray<2> stride, torch::ExpandingArray<2> padding)
    : conv_bn(*this, "conv", "bn",
              torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(false),
              /*bn_eps=*/0.001) {}

void fuse_basic_convs(torch::nn::Module& net) {
  for (auto& module : net.modules(/*include_self=*/false)) {
    if (auto* basic = module->as<BasicConv2d>()) basic->fuse();
  }
}

torch::Tensor transform_input(const torch::Tensor& x) {
  // torchvision: x_c * (std_c / 0.5) + (mean_c - 0.5) / 0.5, computed in x's dtype.
  const auto options = x.options();
  const auto scale = torch::tensor({0.229 / 0.5, 0.224 / 0.5, 0.225 / 0.5}, options).view({1, 3, 1, 1});
  const auto shift =
      torch::tensor({(0.485 - 0.5) / 0.5, (0.456 - 0.5) / 0.5, (0.406 - 0.5) / 0.5}, options).view({1, 3, 1, 1});
  return torch::addcmul(shift, x, scale);
}

void init_truncated_normal(torch::nn::Module& net, const std::function<double(const torch::nn::Module&)>& stddev_of) {
  torch::NoGradGuard no_grad;
  for (auto& module : net.modules(/*include_self=*/false)) {
    if (auto* conv = module->as<torch::nn::Conv2d>()) {
      trunc_normal_(conv->weight, stddev_of(*module));
    } else if (auto* linear = module->as<torch::nn::Linear>()) {
      trunc_normal_(linear->weight, stddev_of(*module));
    } else if (auto* bn = module->as<torch::nn::BatchNorm2d>()) {
      torch::nn::init::ones_(bn->weight);
      torch::nn::init::zeros_(bn->bias);
    }
  }
}

}  // namespace greenbatch::engine::zoo
