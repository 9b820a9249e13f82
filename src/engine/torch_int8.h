#pragma once
// Internal to engine: loading a model in int8 (--precision int8), for the torch backend.

#include <torch/script.h>

#include <string>

#include "greenbatch/engine/model_catalog.h"
#include "greenbatch/engine/torch_backend.h"
#include "zoo/zoo_net.h"

namespace greenbatch::engine {

/// True when a method of `module` or of a submodule calls a quantized operator: a model quantized
/// in PyTorch (torch.ao.quantization) and saved.
bool is_quantized(const torch::jit::Module& module);

/// Refuses int8 where greenbatch cannot run it (UnsupportedError naming `label` and the fix) and
/// makes oneDNN the quantized engine; call before a quantized file is loaded, as its weights are
/// packed for the engine at load.
void prepare_int8(const TorchOptions& options, const torch::Device& device, const std::string& label);

/// Runs fused zoo network `net` on calibration images preprocessed as `preprocessing` says and
/// swaps in its int8 layers (zoo/int8.h).
void quantize_zoo_net(zoo::ZooNet& net, const Preprocessing& preprocessing);

}  // namespace greenbatch::engine
