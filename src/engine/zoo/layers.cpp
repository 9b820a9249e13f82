// Building blocks shared by the zoo families.
#include "layers.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "blocked_layout.h"

namespace greenbatch::engine::zoo {

namespace F = torch::nn::functional;

torch::Tensor activate(Act act, torch::Tensor x) {
  if (x.is_mkldnn()) {
    if (act == Act::none) return x;
    if (act == Act::relu) return torch::relu_(x);
    if (act == Act::relu6) return relu6_blocked_(std::move(x));
    throw std::logic_error("this activation has no kernel for oneDNN's blocked layout");
  }
  switch (act) {
    case Act::none:
      return x;
    case Act::relu:
      return torch::relu_(x);
    case Act::relu6:
      return torch::hardtanh_(x, 0.0, 6.0);
    case Act::hardswish:
      return at::hardswish_(x);
    case Act::hardsigmoid:
      return at::hardsigmoid_(x);
    case Act::silu:
      return at::silu_(x);
    case Act::sigmoid:
      return torch::sigmoid_(x);
    case Act::gelu:
      return torch::gelu(x);
  }
  return x;
}

torch::Tensor FoldedConv::operator()(const torch::Tensor& x, Act act) const {
  if (int8) return (*int8)(x);
  auto y = run_float(x, act);
  if (auto* calibration = Int8Calibration::current()) calibrate(*calibration, x, y, act);
  return y;
}

void FoldedConv::calibrate(Int8Calibration& calibration, const torch::Tensor& x, const torch::Tensor& y,
                           Act act) const {
  if (act != Act::none && act != Act::relu && act != Act::relu6) {
    throw std::logic_error("an int8 convolution applies no activation but ReLU and ReLU6");
  }
  input_range.observe(x);
  output_range.observe(y);
  calibration.enlist(this, [this, act] {
    int8 = std::make_shared<const QuantizedConv>(weight, bias, options, input_range.qparams(), output_range.qparams(),
                                                 act == Act::relu);
  });
}

torch::Tensor FoldedConv::run_float(const torch::Tensor& x, Act act) const {
  if (x.is_mkldnn()) {
    const auto& padding = explicit_padding(options.padding());
    if (!blocked_weight.defined()) {
      blocked_weight = at::mkldnn_reorder_conv2d_weight(weight.contiguous().to_mkldnn(), padding, options.stride(),
                                                        options.dilation(), options.groups());
    }
    return activate(act, at::mkldnn_convolution(x, blocked_weight, bias, padding, options.stride(), options.dilation(),
                                                options.groups()));
  }
  if (x.is_cpu()) {
    if (!prepacked.has_value()) prepacked = PrepackedConv::make(weight, bias, options, x.sizes(), act == Act::relu);
    if (*prepacked) {
      const auto& conv = **prepacked;
      return activate(conv.fuses_relu() ? Act::none : act, conv(x));
    }
  }
  return activate(act, F::conv2d(x, weight, F::Conv2dFuncOptions(options).bias(bias)));
}

FoldedConv FoldedConv::fold(const torch::nn::Conv2d& conv, const torch::nn::BatchNorm2d& bn) {
  torch::NoGradGuard no_grad;
  const auto& copt = conv->options;
  // In float whatever the network's precision, then stored in it.
  const auto f32 = [](const torch::Tensor& t) { return t.to(torch::kFloat); };
  const auto inv_std = torch::rsqrt(f32(bn->running_var) + bn->options.eps());
  const auto scale = bn->weight.defined() ? f32(bn->weight) * inv_std : inv_std;
  FoldedConv folded;
  const auto dtype = conv->weight.scalar_type();
  folded.weight =
      (f32(conv->weight) * scale.reshape({-1, 1, 1, 1})).to(dtype).contiguous(torch::MemoryFormat::ChannelsLast);
  const auto conv_bias = conv->bias.defined() ? f32(conv->bias) : torch::zeros_like(inv_std);
  auto bias = (conv_bias - f32(bn->running_mean)) * scale;
  if (bn->bias.defined()) bias = bias + f32(bn->bias);
  folded.bias = bias.to(dtype);
  const auto& padding = explicit_padding(copt.padding());
  folded.options =
      F::Conv2dFuncOptions().stride(copt.stride()).padding(padding).dilation(copt.dilation()).groups(copt.groups());
  return folded;
}

ConvNormActImpl::ConvNormActImpl(const ConvNormActOptions& o) : act(o.act) {
  const auto padding = o.padding.value_or((o.kernel - 1) / 2 * o.dilation);
  conv = register_module("0", torch::nn::Conv2d(torch::nn::Conv2dOptions(o.in, o.out, o.kernel)
                                                    .stride(o.stride)
                                                    .padding(padding)
                                                    .dilation(o.dilation)
                                                    .groups(o.groups)
                                                    .bias(false)));
  bn = register_module(
      "1", torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(o.out).eps(o.bn_eps).momentum(o.bn_momentum)));
}

torch::Tensor ConvNormActImpl::forward(const torch::Tensor& x) {
  return folded.active() ? folded(x, act) : activate(act, bn->forward(conv->forward(x)));
}

void ConvNormActImpl::fuse() { folded = FoldedConv::fold(conv, bn); }

SqueezeExcitationImpl::SqueezeExcitationImpl(std::int64_t channels, std::int64_t squeeze, Act act_in, Act scale_act_in)
    : act(act_in), scale_act(scale_act_in) {
  fc1 = register_module("fc1", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, squeeze, 1)));
  fc2 = register_module("fc2", torch::nn::Conv2d(torch::nn::Conv2dOptions(squeeze, channels, 1)));
}

torch::Tensor SqueezeExcitationImpl::forward(const torch::Tensor& x) {
  auto scale = torch::adaptive_avg_pool2d(x, {1, 1});
  scale = activate(scale_act, fc2->forward(activate(act, fc1->forward(scale))));
  return x * scale;
}

std::int64_t make_divisible(double value, std::int64_t divisor, std::optional<std::int64_t> min_value) {
  const auto floor = min_value.value_or(divisor);
  auto rounded = std::max(floor, static_cast<std::int64_t>(value + divisor / 2.0) / divisor * divisor);
  if (static_cast<double>(rounded) < 0.9 * value) rounded += divisor;
  return rounded;
}

void trunc_normal_(const torch::Tensor& tensor, double std) {
  torch::NoGradGuard no_grad;
  constexpr double kBound = 2.0;
  const auto norm_cdf = [](double v) { return (1.0 + std::erf(v / std::sqrt(2.0))) / 2.0; };
  const double low = norm_cdf(-kBound / std);
  const double high = norm_cdf(kBound / std);
  tensor.uniform_(2 * low - 1, 2 * high - 1);
  tensor.erfinv_();
  tensor.mul_(std * std::sqrt(2.0));
  tensor.clamp_(-kBound, kBound);
}

void init_conv_and_norm(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (auto& sub : module.modules(/*include_self=*/true)) {
    if (auto* conv = sub->as<torch::nn::Conv2d>()) {
      torch::nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanOut, torch::kReLU);
      if (conv->bias.defined()) torch::nn::init::zeros_(conv->bias);
    } else if (auto* bn = sub->as<torch::nn::BatchNorm2d>()) {
      torch::nn::init::ones_(bn->weight);
      torch::nn::init::zeros_(bn->bias);
    } else if (auto* gn = sub->as<torch::nn::GroupNorm>()) {
      torch::nn::init::ones_(gn->weight);
      torch::nn::init::zeros_(gn->bias);
    }
  }
}

}  // namespace greenbatch::engine::zoo
