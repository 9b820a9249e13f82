#pragma once
/// Internal to engine: a LibTorch operator found by name and called boxed (arguments and results
/// as IValues), for operators whose arguments include TorchScript class objects, such as oneDNN's
/// prepacked weights, that have no typed C++ API.

#include <ATen/core/stack.h>

#include <optional>

namespace greenbatch::engine::zoo {

/// An operator of the dispatcher, looked up once.
class BoxedOp {
 public:
  /// Finds `name` (e.g. "quantized::conv2d") with `overload` ("" for the default one).
  BoxedOp(const char* name, const char* overload);
  /// False where this LibTorch has no such operator (e.g. built without oneDNN).
  [[nodiscard]] bool found() const { return handle_.has_value(); }
  /// Calls the operator on `stack` (its arguments in order), leaving its results there; found()
  /// must be true.
  void call(torch::jit::Stack& stack) const;

 private:
  std::optional<c10::OperatorHandle> handle_;
};

}  // namespace greenbatch::engine::zoo
