// A convolution and the batch norm after it, registered under torchvision's attribute names.
#include "conv_bn.h"

namespace greenbatch::engine::zoo {

ConvBn::ConvBn(torch::nn::Module& owner, const std::string& conv_name, const std::string& bn_name,
               const torch::nn::Conv2dOptions& conv_options, double bn_eps)
    : conv(owner.register_module(conv_name, torch::nn::Conv2d(conv_options))),
      bn(owner.register_module(
          bn_name, torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(conv_options.out_channels()).eps(bn_eps)))) {}

torch::Tensor ConvBn::operator()(const torch::Tensor& x, Act act) {
  return folded.active() ? folded(x, act) : activate(act, bn->forward(conv->forward(x)));
}

}  // namespace greenbatch::engine::zoo
