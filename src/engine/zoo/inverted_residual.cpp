// The inverted-residual block shared by MobileNetV3 and EfficientNet.
#include "inverted_residual.h"

namespace greenbatch::engine::zoo {

InvertedResidualImpl::InvertedResidualImpl(bool residual) : residual_(residual) {
  block_ = register_module("block", torch::nn::Sequential());
}

void InvertedResidualImpl::append(const ConvNormActOptions& options) {
  ConvNormAct layer(options);
  block_->push_back(layer);
  layers_.emplace_back(layer);
}

void InvertedResidualImpl::append(std::int64_t channels, const SqueezeSpec& spec) {
  SqueezeExcitation layer(channels, spec.channels, spec.act, spec.scale_act);
  block_->push_back(layer);
  layers_.emplace_back(layer);
}

torch::Tensor InvertedResidualImpl::forward(const torch::Tensor& x) {
  torch::Tensor y = x;
  for (auto& layer : layers_) {
    y = std::visit([&y](auto& module) { return module->forward(y); }, layer);
  }
  return residual_ ? y.add_(x) : y;
}

void InvertedResidualImpl::fuse() {
  for (auto& layer : layers_) {
    if (auto* conv = std::get_if<ConvNormAct>(&layer)) (*conv)->fuse();
  }
}

InvertedResidual make_mbconv(const MBConvSpec& s) {
  InvertedResidual block(s.stride == 1 && s.in == s.out);
  const auto layer = [&s](std::int64_t in, std::int64_t out) {
    return ConvNormActOptions{
        .in = in, .out = out, .kernel = 1, .act = s.act, .bn_eps = s.bn_eps, .bn_momentum = s.bn_momentum};
  };
  if (s.expanded != s.in) block->append(layer(s.in, s.expanded));
  auto depthwise = layer(s.expanded, s.expanded);
  depthwise.kernel = s.kernel;
  depthwise.stride = s.stride;
  depthwise.groups = s.expanded;
  block->append(depthwise);
  if (s.squeeze) block->append(s.expanded, *s.squeeze);
  auto project = layer(s.expanded, s.out);
  project.act = Act::none;
  block->append(project);
  return block;
}

}  // namespace greenbatch::engine::zoo
