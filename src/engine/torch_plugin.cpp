// The LibTorch plugin's exported entry point.
#include <torch/cuda.h>
#include <torch/version.h>

#include <ATen/Context.h>

#include "torch_api.h"

extern "C" __attribute__((visibility("default"))) const greenbatch::engine::TorchApi* greenbatch_torch_api() {
  static const greenbatch::engine::TorchApi api{
      greenbatch::engine::kTorchApiVersion,
      &greenbatch::engine::in_plugin::make_torch_backend,
      &greenbatch::engine::in_plugin::count_zoo_model,
      [] { return std::string(TORCH_VERSION); },
      [] { return at::globalContext().hasCUDART(); },
  };
  return &api;
}
