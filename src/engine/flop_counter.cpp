// FLOP counting through ATen's RecordFunction callbacks.
#include "flop_counter.h"

#include <ATen/record_function.h>
#include <torch/torch.h>

#include <cassert>
#include <memory>
#include <string_view>

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
