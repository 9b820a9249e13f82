// FLOP counting through ATen's RecordFunction callbacks.
#include "flop_counter.h"

#include <ATen/record_function.h>
#include <torch/torch.h>

#include <cassert>
#include <memory>
#include <string_view>

#include "zoo/boxed_op.h"

namespace greenbatch::engine {
namespace {

thread_local double t_flops = 0.0;

double numel(c10::IntArrayRef sizes, std::size_t from, std::size_t to) {
  double n = 1.0;
  for (std::size_t i = from; i < to; ++i) n *= static_cast<double>(sizes[i]);
  return n;
}

// MACs of a convolution: N * C_out * prod(out spatial) * (C_in / groups) * prod(kernel).
double convolution_macs(const c10::IValue& input, const c10::IValue& weight, const c10::IValue& stride,
                        const c10::IValue& padding, const c10::IValue& dilation) {
  const auto x = input.toTensor().sizes();
  const auto w = weight.toTensor().sizes();
  const auto s = stride.toIntVector();
  const auto p = padding.toIntVector();
  const auto d = dilation.toIntVector();
  double out_spatial = 1.0;
  for (std::size_t i = 2; i < x.size(); ++i) {
    const auto k = i - 2;
    const auto out = (x[i] + 2 * p[k] - d[k] * (w[i] - 1) - 1) / s[k] + 1;
    out_spatial *= static_cast<double>(out);
  }
  return static_cast<double>(x[0]) * static_cast<double>(w[0]) * out_spatial * numel(w, 1, w.size());
}

// MACs of (.., n, k) x (.., k, m).
double matmul_macs(const c10::IValue& a, const c10::IValue& b) {
  const auto as = a.toTensor().sizes();
  const auto bs = b.toTensor().sizes();
  return numel(as, 0, as.size()) * static_cast<double>(bs[bs.size() - 1]);
}

// The first result of boxed operator `op` on `packed` (a quantized layer's packed weights): the
// weight tensor of an unpack operator (which leaves its two results on the stack).
c10::IValue unpacked(const zoo::BoxedOp& op, const c10::IValue& packed) {
  torch::jit::Stack stack{packed};
  op.call(stack);
  return std::move(stack.at(0));
}

// MACs of a quantized convolution, its shape read back from its packed weights (the operator's
// overload with explicit stride etc. takes the same packed weights second).
double quantized_convolution_macs(const c10::IValue& input, const c10::IValue& packed) {
  static const zoo::BoxedOp weight{"quantized::conv2d_unpack", ""};
  static const zoo::BoxedOp stride{"quantized::conv2d_stride", ""};
  static const zoo::BoxedOp padding{"quantized::conv2d_padding", ""};
  static const zoo::BoxedOp dilation{"quantized::conv2d_dilation", ""};
  return convolution_macs(input, unpacked(weight, packed), unpacked(stride, packed), unpacked(padding, packed),
                          unpacked(dilation, packed));
}

// MACs of a quantized linear layer: rows of the input x (out x in) weights.
double quantized_linear_macs(const c10::IValue& input, const c10::IValue& packed) {
  static const zoo::BoxedOp weight{"quantized::linear_unpack", ""};
  const auto w = unpacked(weight, packed).toTensor().sizes();
  const auto x = input.toTensor().sizes();
  return numel(x, 0, x.size() - 1) * static_cast<double>(w[0]) * static_cast<double>(w[1]);
}

std::unique_ptr<at::ObserverContext> on_start(const at::RecordFunction& fn) {
  const std::string_view name = fn.name();
  const auto inputs = fn.inputs();
  double macs = 0.0;
  if (name == "aten::convolution" && !inputs[6].toBool()) {
    macs = convolution_macs(inputs[0], inputs[1], inputs[3], inputs[4], inputs[5]);
  } else if (name == "aten::mm" || name == "aten::bmm") {
    macs = matmul_macs(inputs[0], inputs[1]);
  } else if (name == "aten::addmm" || name == "aten::baddbmm" || name == "aten::_addmm_activation") {
    macs = matmul_macs(inputs[1], inputs[2]);
  } else if (name == "quantized::conv2d" || name == "quantized::conv2d_relu") {
    macs = quantized_convolution_macs(inputs[0], inputs[1]);
  } else if (name == "quantized::linear" || name == "quantized::linear_relu") {
    macs = quantized_linear_macs(inputs[0], inputs[1]);
  }
  t_flops += 2.0 * macs;
  return nullptr;
}

}  // namespace

FlopCounter::FlopCounter() {
  t_flops = 0.0;
  handle_ = at::addThreadLocalCallback(
      at::RecordFunctionCallback(on_start).needsInputs(true).scopes({at::RecordScope::FUNCTION}));
}

FlopCounter::~FlopCounter() { at::removeCallback(handle_); }

double FlopCounter::flops() const { return t_flops; }

}  // namespace greenbatch::engine
