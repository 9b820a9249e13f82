// Backend flags shared by the subcommands.
#include "backend_flags.h"

#include <CLI/CLI.hpp>

#include "greenbatch/core/error.h"
#include "greenbatch/engine/model_catalog.h"
#include "greenbatch/engine/synthetic_backend.h"
#include "greenbatch/engine/torch_backend.h"

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
  cmd.add_option("--threads", flags.threads, "intra-op threads (default: the cores available)")
      ->check(CLI::NonNegativeNumber);
  cmd.add_option("--seed", flags.seed, "seed of random weights")->capture_default_str();
  cmd.add_option("--resize", flags.resize, "shorter side after resizing (default: the model's)")
      ->check(CLI::PositiveNumber);
  cmd.add_option("--crop", flags.crop, "centre crop = input size (default: the model's)")->check(CLI::PositiveNumber);
  cmd.add_flag("--no-optimize", flags.no_optimize, "do not fold batch norm or freeze the model at load");
}

std::vector<std::string> backend_targets(const BackendFlags& flags) {
  const int given = (flags.models.empty() ? 0 : 1) + (flags.model_file.empty() ? 0 : 1) +
                    (flags.synthetic.empty() ? 0 : 1);
  if (given != 1) {
    throw UsageError("give exactly one of --model NAME, --model-file FILE or --backend synthetic:...");
  }
  if (!flags.weights.empty() && flags.models.empty()) {
    throw UsageError("--weights applies to zoo models (--model); a --model-file carries its own weights");
  }
  if (!flags.model_file.empty()) return {flags.model_file};
  if (!flags.synthetic.empty()) return {flags.synthetic};
  for (const auto& name : flags.models) (void)engine::find_model(name);  // fail before any work
  return flags.models;
}

std::unique_ptr<engine::Backend> make_backend(const BackendFlags& flags, const std::string& target) {
  if (!flags.synthetic.empty()) return engine::make_synthetic_backend(engine::parse_synthetic_spec(target));
  engine::TorchOptions options;
  if (flags.model_file.empty()) {
    options.zoo_model = target;
  } else {
    options.model_file = flags.model_file;
  }
  if (!flags.weights.empty()) options.weights = flags.weights;
  options.resize = flags.resize;
  options.crop = flags.crop;
  options.seed = flags.seed;
  options.device = engine::parse_device(flags.device);
  options.threads = flags.threads;
  options.optimize = !flags.no_optimize;
  return engine::make_torch_backend(options);
}

}  // namespace greenbatch::cli
