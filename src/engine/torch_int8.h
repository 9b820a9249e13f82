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

/// Makes oneDNN the quantized engine, or throws UnsupportedError naming `label`; call before a
/// quantized file is loaded, as its weights are packed for the engine at load. Which models and
/// devices run int8 is check_precision's (backend_spec.h).
void use_int8_engine(const std::string& label);

/// Runs fused zoo network `net`, zoo model `name`, on calibration images preprocessed as
/// `preprocessing` says and swaps in its int8 layers (zoo/int8.h). std::logic_error when `name`
/// is not one of int8_zoo_models().
void quantize_zoo_net(zoo::ZooNet& net, const std::string& name, const Preprocessing& preprocessing);

}  // namespace greenbatch::engine
