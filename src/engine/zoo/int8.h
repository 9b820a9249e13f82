#pragma once
/// Internal to engine: static int8 inference on LibTorch's oneDNN quantized engine. A fused
/// network runs a few float batches under an Int8Calibration; each convolution and residual sum
/// records the range of its activations, and then runs with int8 weights (per output channel)
/// and uint8 activations (per tensor) quantized over those ranges.

#include <torch/torch.h>

#include <functional>
#include <optional>
#include <span>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace greenbatch::engine::zoo {

/// The affine map of uint8 activations: value = scale * (q - zero_point).
struct QParams {
  double scale = 1.0;           ///< float step between adjacent codes
  std::int64_t zero_point = 0;  ///< the code of 0.0
};

/// The smallest and largest float values seen at one point of a network, over every batch.
class ActivationRange {
 public:
  /// Widens the range to cover `x` (float).
  void observe(const torch::Tensor& x);
  /// uint8 parameters covering the range widened to include 0, so that 0 (padding, ReLU's
  /// floor) is exact; values outside it saturate at run time.
  [[nodiscard]] QParams qparams() const;

 private:
  double low_ = 0.0;
  double high_ = 0.0;
};

/// While one is alive on a thread, convolutions and residual sums there run in float and record
/// their activation ranges; finish() then quantizes every layer that recorded one.
class Int8Calibration {
 public:
  Int8Calibration();
  ~Int8Calibration();
  Int8Calibration(const Int8Calibration&) = delete;
  Int8Calibration& operator=(const Int8Calibration&) = delete;

  /// The calibration running on this thread, or null.
  static Int8Calibration* current();
  /// Remembers `quantize` to run at finish(), once per `layer` however often it is enlisted.
  void enlist(const void* layer, std::function<void()> quantize);
  /// Quantizes every enlisted layer and ends the calibration; returns how many there were.
  int finish();

 private:
  std::unordered_set<const void*> enlisted_;
  std::vector<std::function<void()>> quantizers_;
};

/// The oneDNN engine's int8 convolution: weights quantized symmetrically per output channel,
/// the bias in float, a float input quantized with the calibrated input parameters, a uint8
/// output with the calibrated output parameters (so an activation whose range starts at 0 —
/// ReLU, ReLU6 — is applied by saturation; ReLU is also fused into the convolution). Not
/// thread-safe.
class QuantizedConv {
 public:
  /// Quantizes float `weight` [out, in/groups, kh, kw] and packs it with `bias`.
  QuantizedConv(const torch::Tensor& weight, const torch::Tensor& bias,
                const torch::nn::functional::Conv2dFuncOptions& options, QParams input, QParams output, bool relu);
  /// The quantized convolution of `x` (quantized, or float and quantized here).
  [[nodiscard]] torch::Tensor operator()(const torch::Tensor& x) const;

 private:
  /// The engine's packed weights (a Conv2dPackedParamsBase), packed afresh.
  [[nodiscard]] c10::IValue pack() const;

  torch::jit::Stack pack_arguments_;  // quantized weight, bias, stride, padding, dilation, groups
  // Packed weights. LibTorch 1.13's oneDNN engine binds a pack to the weight layout chosen for
  // the first batch it runs, and some shapes (e.g. 1280 to 192 channels, 1x1) then fail at other
  // batch sizes (batch 1 against more): a batch size that fails on every pack gets a new one.
  mutable std::vector<c10::IValue> packs_;
  mutable std::unordered_map<std::int64_t, std::size_t> pack_of_batch_;  // batch size -> its pack
  QParams input_;
  QParams output_;
  bool relu_;
};

/// The output range of an int8 operation on several tensors (a sum, a concatenation): recorded
/// from its float results under an Int8Calibration, fixed when that finishes.
class CalibratedOutput {
 public:
  /// The fixed output parameters when every one of `inputs` is int8; nullopt when none is (run
  /// in float, then record()). std::logic_error naming `operation` for a mix of int8 and float,
  /// or int8 inputs before calibration.
  [[nodiscard]] std::optional<QParams> for_inputs(std::span<const torch::Tensor> inputs, const char* operation) const;
  /// Records float `result` under the calibration running on this thread, if any.
  void record(const torch::Tensor& result) const;

 private:
  mutable ActivationRange range_;
  mutable std::optional<QParams> params_;  // set once calibrated
};

/// The sum a + b (then ReLU when asked) of a residual connection: in place on float tensors;
/// on quantized ones the engine's int8 sum, into the range recorded during calibration.
class ResidualSum {
 public:
  /// a + b, or relu(a + b); `a` may be overwritten.
  [[nodiscard]] torch::Tensor operator()(torch::Tensor a, const torch::Tensor& b, bool relu) const;

 private:
  CalibratedOutput output_;
};

/// The concatenation of branch outputs along channels: torch::cat on float tensors; on quantized
/// ones the engine's int8 concatenation, requantizing every branch into the range recorded during
/// calibration.
class ChannelConcat {
 public:
  /// cat(parts, 1).
  [[nodiscard]] torch::Tensor operator()(const std::vector<torch::Tensor>& parts) const;

 private:
  CalibratedOutput output_;
};

/// `x` in float: dequantized when it is quantized (e.g. before a float classifier).
[[nodiscard]] torch::Tensor to_float(const torch::Tensor& x);

/// Makes oneDNN the quantized engine of this process; false when this LibTorch lacks it.
bool use_onednn_quantized_engine();

}  // namespace greenbatch::engine::zoo
