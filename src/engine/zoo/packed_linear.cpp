// A Linear layer run as oneDNN's 1x1 convolution with prepacked weights.
#include "packed_linear.h"

namespace greenbatch::engine::zoo {

PackedLinear PackedLinear::of(const torch::Tensor& weight, const torch::Tensor& bias) {
  torch::NoGradGuard no_grad;
  PackedLinear linear;
  linear.conv.weight =
      weight.detach().reshape({weight.size(0), weight.size(1), 1, 1}).contiguous(torch::MemoryFormat::ChannelsLast);
  linear.conv.bias = bias.detach();
  return linear;
}

torch::Tensor PackedLinear::operator()(const torch::Tensor& x, Act act) const {
  const auto in = conv.weight.size(1);
  const auto out = conv.weight.size(0);
  auto sizes = x.sizes().vec();
  sizes.back() = out;
  const auto flat = x.reshape({-1, in}).contiguous();
  if (!x.is_cpu()) return activate(act, at::addmm(conv.bias, flat, conv.weight.view({out, in}).t())).view(sizes);
  // [rows, in] as one NHWC image of rows x 1 pixels: strides the channels-last test recognises.
  const auto rows = flat.size(0);
  const auto image = flat.as_strided({1, in, rows, 1}, {rows * in, 1, in, in});
  // The output is [1, out, rows, 1] channels-last: [rows, out] in memory.
  return conv(image, act).permute({0, 2, 3, 1}).view(sizes);
}

}  // namespace greenbatch::engine::zoo
