// Static int8 layers on LibTorch's oneDNN quantized engine.
#include "int8.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "boxed_op.h"
#include "prepacked_conv.h"

namespace greenbatch::engine::zoo {
namespace {

thread_local Int8Calibration* t_calibration = nullptr;

// The quantized operators, called boxed: their packed weights are a TorchScript class.
struct QuantizedOps {
  BoxedOp prepack{"quantized::conv2d_prepack", ""};
  BoxedOp conv{"quantized::conv2d", "new"};
  BoxedOp conv_relu{"quantized::conv2d_relu", "new"};
  BoxedOp add{"quantized::add", ""};
  BoxedOp add_relu{"quantized::add_relu", ""};
  BoxedOp cat{"quantized::cat", ""};
};

const QuantizedOps& quantized_ops() {
  static const QuantizedOps found;
  return found;
}

std::vector<std::int64_t> int_list(c10::IntArrayRef values) { return values.vec(); }

torch::Tensor first_result(const BoxedOp& op, torch::jit::Stack stack) {
  op.call(stack);
  return stack.at(0).toTensor();
}

}  // namespace

void ActivationRange::observe(const torch::Tensor& x) {
  const auto [low, high] = torch::aminmax(x.to(torch::kFloat));
  low_ = std::min(low_, low.item<double>());
  high_ = std::max(high_, high.item<double>());
}

QParams ActivationRange::qparams() const {
  constexpr double kCodes = 255.0;
  // low_ <= 0 <= high_ by construction; a range of zeros still gets a positive step. The floor is
  // the smallest normal float, not PyTorch observers' 1.2e-7: networks with random weights (the
  // zoo's default) can carry activations far below that, e.g. mobilenet_v2's logits near 1e-9.
  const double scale = std::max((high_ - low_) / kCodes, static_cast<double>(std::numeric_limits<float>::min()));
  const auto zero_point = static_cast<std::int64_t>(std::clamp(std::round(-low_ / scale), 0.0, kCodes));
  return {scale, zero_point};
}

Int8Calibration::Int8Calibration() {
  if (t_calibration != nullptr) throw std::logic_error("an int8 calibration is already running on this thread");
  t_calibration = this;
}

Int8Calibration::~Int8Calibration() {
  if (t_calibration == this) t_calibration = nullptr;
}

Int8Calibration* Int8Calibration::current() { return t_calibration; }

void Int8Calibration::enlist(const void* layer, std::function<void()> quantize) {
  if (enlisted_.insert(layer).second) quantizers_.push_back(std::move(quantize));
}

int Int8Calibration::finish() {
  t_calibration = nullptr;  // the quantizers run float code that must not record ranges
  for (const auto& quantize : quantizers_) quantize();
  return static_cast<int>(quantizers_.size());
}

QuantizedConv::QuantizedConv(const torch::Tensor& weight, const torch::Tensor& bias,
                             const torch::nn::functional::Conv2dFuncOptions& options, QParams input, QParams output,
                             bool relu)
    : input_(input), output_(output), relu_(relu) {
  torch::NoGradGuard no_grad;
  const auto w = weight.to(torch::kFloat).contiguous();
  constexpr double kLargestCode = 127.0;
  const auto scales = (w.abs().amax({1, 2, 3}).to(torch::kDouble) / kLargestCode)
                          .clamp_min(static_cast<double>(std::numeric_limits<float>::min()));
  const auto qweight = at::quantize_per_channel(w, scales, torch::zeros(scales.sizes(), torch::kLong), 0,
                                                torch::kQInt8);
  pack_arguments_ = {qweight,
                     bias.defined() ? c10::IValue(bias.to(torch::kFloat)) : c10::IValue(),
                     int_list(options.stride()),
                     int_list(explicit_padding(options.padding())),
                     int_list(options.dilation()),
                     options.groups()};
  packs_.push_back(pack());
}

c10::IValue QuantizedConv::pack() const {
  auto stack = pack_arguments_;
  quantized_ops().prepack.call(stack);
  return std::move(stack.at(0));
}

torch::Tensor QuantizedConv::operator()(const torch::Tensor& x) const {
  const auto qx = x.is_quantized() ? x : at::quantize_per_tensor(x, input_.scale, input_.zero_point, torch::kQUInt8);
  const auto& op = relu_ ? quantized_ops().conv_relu : quantized_ops().conv;
  const auto run = [&](const c10::IValue& packed) {
    return first_result(op, {qx, packed, output_.scale, output_.zero_point});
  };
  const auto batch = qx.size(0);
  if (const auto found = pack_of_batch_.find(batch); found != pack_of_batch_.end()) return run(packs_[found->second]);
  for (std::size_t i = 0;; ++i) {
    const bool fresh = i == packs_.size();
    if (fresh) packs_.push_back(pack());
    try {
      auto y = run(packs_[i]);
      pack_of_batch_[batch] = i;
      return y;
    } catch (const std::exception&) {  // oneDNN's own errors are not c10::Errors
      if (fresh) throw;
    }
  }
}

std::optional<QParams> CalibratedOutput::for_inputs(std::span<const torch::Tensor> inputs,
                                                    const char* operation) const {
  const auto int8 = std::ranges::count_if(inputs, [](const torch::Tensor& t) { return t.is_quantized(); });
  if (int8 == 0) return std::nullopt;
  if (!params_ || int8 != std::ssize(inputs)) {
    throw std::logic_error(std::string(operation) +
                           " of int8 tensors that calibration did not see, or of int8 and float");
  }
  return params_;
}

void CalibratedOutput::record(const torch::Tensor& result) const {
  if (auto* calibration = Int8Calibration::current()) {
    range_.observe(result);
    calibration->enlist(this, [this] { params_ = range_.qparams(); });
  }
}

torch::Tensor ResidualSum::operator()(torch::Tensor a, const torch::Tensor& b, bool relu) const {
  if (const auto q = output_.for_inputs(std::array{a, b}, "a residual sum")) {
    return first_result(relu ? quantized_ops().add_relu : quantized_ops().add, {a, b, q->scale, q->zero_point});
  }
  // In one pass where LibTorch has the kernel (CPU float only).
  auto sum = relu ? (a.is_cpu() && a.scalar_type() == torch::kFloat ? at::_add_relu_(a, b) : a.add_(b).relu_())
                  : a.add_(b);
  output_.record(sum);
  return sum;
}

torch::Tensor ChannelConcat::operator()(const std::vector<torch::Tensor>& parts) const {
  if (const auto q = output_.for_inputs(parts, "a concatenation")) {
    return first_result(quantized_ops().cat, {parts, std::int64_t{1}, q->scale, q->zero_point});
  }
  auto joined = torch::cat(parts, 1);
  output_.record(joined);
  return joined;
}

torch::Tensor to_float(const torch::Tensor& x) { return x.is_quantized() ? x.dequantize() : x; }

bool use_onednn_quantized_engine() {
  auto& context = at::globalContext();
  const auto& engines = context.supportedQEngines();
  if (std::find(engines.begin(), engines.end(), at::QEngine::ONEDNN) == engines.end()) return false;
  if (!quantized_ops().prepack.found() || !quantized_ops().conv.found() || !quantized_ops().add.found()) return false;
  context.setQEngine(at::QEngine::ONEDNN);
  return true;
}

}  // namespace greenbatch::engine::zoo
