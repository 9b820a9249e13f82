#pragma once
/// The numeric precision a model runs in, parsed once from --precision or a study's `precisions`.

#include <string>
#include <string_view>

namespace greenbatch::engine {

/// Precision of weights and activations. fp32: as trained. bf16: weights and activations in
/// bfloat16 (oneDNN on CPU, CUDA's bf16 kernels on a GPU); fp16: in half precision, on CUDA only;
/// logits returned as float. int8: reserved for quantised inference; every backend in this build
/// refuses it with an UnsupportedError.
enum class Precision { fp32, bf16, fp16, int8 };

/// Parses "fp32", "bf16", "fp16" or "int8"; throws UsageError naming `text` and the valid values.
Precision parse_precision(std::string_view text);

/// The name parse_precision accepts for `precision`.
std::string to_string(Precision precision);

}  // namespace greenbatch::engine
