// oneDNN's prepacked convolution, called through the dispatcher.
#include "prepacked_conv.h"

#include <string>
#include <vector>

#include "boxed_op.h"

namespace greenbatch::engine::zoo {
namespace {

// The operators, called boxed as their context is a TorchScript class.
struct Ops {
  BoxedOp prepack{"mkldnn_prepacked::conv2d_prepack", ""};
  BoxedOp run{"mkldnn_prepacked::conv2d_run", ""};
};

const Ops& ops() {
  static const Ops found;
  return found;
}

std::vector<std::int64_t> ints(c10::IntArrayRef values) { return values.vec(); }

}  // namespace

std::optional<PrepackedConv> PrepackedConv::make(const torch::Tensor& weight, const torch::Tensor& bias,
                                                 const torch::nn::functional::Conv2dFuncOptions& options,
                                                 c10::IntArrayRef input_sizes, bool relu) {
  if (!ops().prepack.found() || !ops().run.found()) return std::nullopt;
  const auto& padding = explicit_padding(options.padding());
  torch::jit::Stack stack{weight,
                          bias,
                          ints(options.stride()),
                          ints(padding),
                          ints(options.dilation()),
                          options.groups(),
                          input_sizes.vec(),
                          std::string(relu ? "relu" : "none")};  // LibTorch 1.13 knows no other post-op
  ops().prepack.call(stack);
  return PrepackedConv(std::move(stack.at(0)), relu);
}

torch::Tensor PrepackedConv::operator()(const torch::Tensor& x) const {
  // The operator reads its input as dense NCHW or NHWC and ignores other strides (a channel slice
  // of a larger tensor would be read wrongly): such views are copied first.
  const auto format = x.suggest_memory_format();
  torch::jit::Stack stack{x.is_contiguous(format) ? x : x.contiguous(format), context_};
  ops().run.call(stack);
  return stack.at(0).toTensor();
}

}  // namespace greenbatch::engine::zoo
