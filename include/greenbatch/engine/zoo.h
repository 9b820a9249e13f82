#pragma once
/// Facts of zoo models that come from building them (not from the published table).

#include <cstdint>
#include <string_view>

namespace greenbatch::engine {

/// Counted from a built zoo model.
struct ZooModelStats {
  std::int64_t params = 0;  ///< parameters of the built network
  double flops = 0.0;       ///< floating-point operations per image at the model's crop size:
                            ///< 2 x multiply-accumulates of every convolution and matrix product
};

/// Builds `name` and counts its parameters and per-image FLOPs (one batch-1 forward pass whose
/// convolution and matrix-product shapes are recorded). Takes about a second for large models.
/// Throws InputError for an unknown name.
ZooModelStats count_zoo_model(std::string_view name);

}  // namespace greenbatch::engine
