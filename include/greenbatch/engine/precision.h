#pragma once
/// The numeric precision a model runs in, parsed once from --precision or a study's `precisions`.

#include <span>
#include <string>
#include <string_view>

namespace greenbatch::engine {

/// Precision of weights and activations. fp32: as trained. bf16: weights and activations in
/// bfloat16 (oneDNN on CPU, CUDA's bf16 kernels on a GPU); fp16: in half precision, on CUDA only;
/// int8: static int8 on CPU (LibTorch's oneDNN quantized engine), for int8_zoo_models() and
/// TorchScript files quantized in PyTorch. Logits are returned as float.
enum class Precision { fp32, bf16, fp16, int8 };

/// Parses "fp32", "bf16", "fp16" or "int8"; throws UsageError naming `text` and the valid values.
Precision parse_precision(std::string_view text);

/// The name parse_precision accepts for `precision`.
std::string to_string(Precision precision);

/// The zoo models that run in int8: their convolutions, residual sums and concatenations
/// quantized, the classifier in float. The others use layers without int8 kernels here.
std::span<const std::string_view> int8_zoo_models();

}  // namespace greenbatch::engine
