#pragma once
/// Internal to engine: LibTorch's oneDNN convolution with its weights reordered once into oneDNN's
/// layout (the operator TorchScript's optimize_for_inference uses), for CPU tensors.

#include <torch/torch.h>

#include <optional>

namespace greenbatch::engine::zoo {

/// The two paddings of convolution options that give them as numbers (not 'same' or 'valid').
/// LibTorch 1.13 holds them in a c10::variant and 2.x in a std::variant: the unqualified `get` is
/// found by argument-dependent lookup in both.
template <typename Padding>
[[nodiscard]] const torch::ExpandingArray<2>& explicit_padding(const Padding& padding) {
  return get<torch::ExpandingArray<2>>(padding);
}

/// A 2-d convolution whose weights oneDNN holds prepacked. Not thread-safe to create; calls on
/// one object from one thread at a time (its context keeps oneDNN state).
class PrepackedConv {
 public:
  /// Prepacks `weight` and `bias` for inputs like `input_sizes` (other batch and spatial sizes run
  /// too), with a ReLU applied inside the convolution when `relu`; nullopt where this LibTorch has
  /// no such operator (built without oneDNN).
  static std::optional<PrepackedConv> make(const torch::Tensor& weight, const torch::Tensor& bias,
                                           const torch::nn::functional::Conv2dFuncOptions& options,
                                           c10::IntArrayRef input_sizes, bool relu = false);
  /// The convolution of CPU tensor `x` (any layout: views that are not dense are copied first).
  [[nodiscard]] torch::Tensor operator()(const torch::Tensor& x) const;
  /// True when the convolution's output has had ReLU applied by oneDNN.
  [[nodiscard]] bool fuses_relu() const { return relu_; }

 private:
  PrepackedConv(c10::IValue context, bool relu) : context_(std::move(context)), relu_(relu) {}
  c10::IValue context_;  // oneDNN's ConvOpContext (a TorchScript class object)
  bool relu_;            // made with oneDNN's ReLU post-op
};

}  // namespace greenbatch::engine::zoo
