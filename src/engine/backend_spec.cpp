// Classifying model targets and loading the backend they name.
#include "greenbatch/engine/backend_spec.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "greenbatch/core/error.h"
#include "greenbatch/engine/model_catalog.h"

namespace greenbatch::engine {

BackendSpec BackendSpec::parse_target(const std::string& target) {
  BackendSpec spec;
  if (target.empty())
    throw UsageError(
        "empty model name; give a zoo model (see 'greenbatch models'), a TorchScript file or synthetic:...");
  if (target.starts_with("synthetic:")) {
    spec.kind = BackendKind::synthetic;
    spec.synthetic = parse_synthetic_spec(target);
  } else if (target.ends_with(".pt") || target.ends_with(".pth") || target.find('/') != std::string::npos) {
    spec.kind = BackendKind::torchscript;
    spec.model_file = target;
  } else {
    (void)find_model(target);  // an unknown name fails here, before any work
    spec.zoo_model = target;
  }
  return spec;
}

std::string BackendSpec::target() const {
  switch (kind) {
    case BackendKind::zoo:
      return zoo_model;
    case BackendKind::torchscript:
      return model_file.string();
    case BackendKind::synthetic:
      return to_string(synthetic);
  }
  return {};
}

void check_precision(const BackendSpec& spec) {
  const auto what = "--precision " + to_string(spec.precision) + " for " + spec.target() + ": ";
  if (spec.is_synthetic()) {
    if (spec.precision != Precision::fp32) {
      throw UnsupportedError(what + "the synthetic backend computes nothing; use --precision fp32 (the default)");
    }
    return;
  }
  if (spec.precision == Precision::fp16 && !spec.device.cuda) {
    throw UnsupportedError(what +
                           "half precision runs on CUDA only (LibTorch's CPU kernels have no fast fp16 path); "
                           "on CPU use --precision bf16");
  }
  if (spec.precision != Precision::int8) return;
  if (spec.device.cuda) {
    throw UnsupportedError(what +
                           "int8 runs on CPU only (LibTorch's oneDNN quantized engine); on CUDA use "
                           "--precision bf16 or fp16");
  }
  if (spec.kind != BackendKind::zoo) return;
  const auto models = int8_zoo_models();
  if (std::ranges::find(models, spec.zoo_model) == models.end()) {
    throw UnsupportedError(what + fmt::format("greenbatch runs int8 for {} (the others use layers greenbatch does not "
                                              "quantize, some without int8 kernels in LibTorch); use --precision fp32 "
                                              "or bf16, or a TorchScript model quantized in PyTorch (--model-file)",
                                              fmt::join(models, ", ")));
  }
  if (!spec.optimize) {
    throw UnsupportedError(what +
                           "int8 is built from the optimised network (batch norms folded into the convolutions "
                           "before quantizing); drop --no-optimize");
  }
}

std::unique_ptr<Backend> make_backend(const BackendSpec& spec) {
  check_precision(spec);
  if (spec.is_synthetic()) return make_synthetic_backend(spec.synthetic);
  TorchOptions options;
  if (spec.kind == BackendKind::zoo) {
    options.zoo_model = spec.zoo_model;
  } else {
    options.model_file = spec.model_file;
  }
  options.weights = spec.weights;
  options.resize = spec.resize;
  options.crop = spec.crop;
  options.seed = spec.seed;
  options.device = spec.device;
  options.threads = spec.threads;
  options.optimize = spec.optimize;
  options.precision = spec.precision;
  return make_torch_backend(options);
}

}  // namespace greenbatch::engine
