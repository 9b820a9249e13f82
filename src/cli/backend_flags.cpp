// Backend flags shared by the subcommands.
#include "backend_flags.h"

#include <CLI/CLI.hpp>

#include "greenbatch/core/error.h"
#include "greenbatch/engine/model_catalog.h"
#include "number_flags.h"

namespace greenbatch::cli {

void add_backend_flags(CLI::App& cmd, BackendFlags& flags, bool several_models, bool synthetic) {
  auto* model = cmd.add_option("--model,-m", flags.models,
                               several_models ? "zoo model(s), comma separated (see 'greenbatch models')"
                                              : "zoo model (see 'greenbatch models')");
  if (several_models) model->delimiter(',');
  else model->expected(1);
  cmd.add_option("--weights", flags.weights,
                 "TorchScript file exported from torchvision whose weights are copied in by name "
                 "(default: seeded random weights)");
  cmd.add_option("--model-file", flags.model_file, "run any TorchScript module instead of a zoo model");
  if (synthetic) {
    cmd.add_option("--backend", flags.synthetic,
                   "synthetic:alpha=MS,tau0=MS[,mode=spin|sleep]: a batch of b takes alpha*b+tau0 ms");
  }
  cmd.add_option("--device", flags.device, "cpu, cuda or cuda:N")->capture_default_str();
  add_number_option(cmd, "--threads", flags.threads, "intra-op threads (default 0: the cores available)",
                    NumberRange::between(0, 1024));
  add_number_option(cmd, "--seed", flags.seed, "seed of random weights and arrivals", NumberRange::at_least(0));
  add_number_option(cmd, "--resize", flags.resize, "shorter side after resizing (default: the model's)",
                    NumberRange::between(1, 4096));
  add_number_option(cmd, "--crop", flags.crop, "centre crop = input size (default: the model's)",
                    NumberRange::between(1, 4096));
  cmd.add_flag(
      "--no-optimize", flags.no_optimize,
      "run the network as built: no batch-norm folding, channels-last / oneDNN layouts or freezing, and every batch on --threads threads");
  cmd.add_option("--precision", flags.precision,
                 "fp32, bf16 (weights and activations in bfloat16), fp16 (half precision, CUDA only) or int8 "
                 "(CPU: the ResNets, GoogLeNet, Inception v3, MobileNetV2, MnasNet, or a --model-file quantized in "
                 "PyTorch)")
      ->capture_default_str();
}

std::vector<engine::BackendSpec> backend_specs(const BackendFlags& flags) {
  const int given = (flags.models.empty() ? 0 : 1) + (flags.model_file.empty() ? 0 : 1) +
                    (flags.synthetic.empty() ? 0 : 1);
  if (given != 1) {
    throw UsageError("give exactly one of --model NAME, --model-file FILE or --backend synthetic:...");
  }
  if (!flags.weights.empty() && flags.models.empty()) {
    throw UsageError("--weights applies to zoo models (--model); a --model-file carries its own weights");
  }
  std::vector<engine::BackendSpec> specs;
  const auto add = [&](engine::BackendSpec spec) {
    if (!flags.weights.empty()) spec.weights = flags.weights;
    spec.resize = flags.resize;
    spec.crop = flags.crop;
    spec.seed = flags.seed;
    spec.device = engine::parse_device(flags.device);
    spec.threads = flags.threads;
    spec.optimize = !flags.no_optimize;
    spec.precision = engine::parse_precision(flags.precision);
    specs.push_back(std::move(spec));
  };
  if (!flags.model_file.empty()) {
    engine::BackendSpec spec;
    spec.kind = engine::BackendKind::torchscript;
    spec.model_file = flags.model_file;
    add(spec);
  } else if (!flags.synthetic.empty()) {
    engine::BackendSpec spec;
    spec.kind = engine::BackendKind::synthetic;
    spec.synthetic = engine::parse_synthetic_spec(flags.synthetic);
    add(spec);
  } else {
    for (const auto& name : flags.models) {
      engine::BackendSpec spec;
      (void)engine::find_model(name);  // fail before any work
      spec.zoo_model = name;
      add(spec);
    }
  }
  return specs;
}

}  // namespace greenbatch::cli
