#pragma once
/// Internal to engine: running a chain of layers in oneDNN's blocked layout (MKLDNN tensors), as
/// TorchScript's frozen, optimised graphs do: one reorder in, one out, and oneDNN's kernels in
/// between. For depthwise-heavy networks this beats dense channels-last convolutions.

#include <torch/torch.h>

namespace greenbatch::engine::zoo {

/// True when dense `x` can enter a chain of folded convolutions in the blocked layout: a float32
/// CPU tensor, and a LibTorch built with oneDNN.
bool runs_in_blocked_layout(const torch::Tensor& x);

/// min(max(x, 0), 6) in place on a blocked-layout tensor (ATen has no hardtanh for them; this
/// is the operator TorchScript's frozen graphs use).
torch::Tensor relu6_blocked_(torch::Tensor x);

/// The dense [N, C] global average of blocked-layout feature maps [N, C, H, W].
torch::Tensor global_average_blocked(const torch::Tensor& x);

}  // namespace greenbatch::engine::zoo
