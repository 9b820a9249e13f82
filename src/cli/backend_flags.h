#pragma once
/// Internal to cli: the flags that choose and configure a backend, shared by subcommands.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "greenbatch/engine/backend_spec.h"

namespace CLI {
class App;
}  // namespace CLI

namespace greenbatch::cli {

/// Parsed backend flags.
struct BackendFlags {
  std::vector<std::string> models;  ///< --model (a list where the command allows several)
  std::string weights;              ///< --weights FILE
  std::string model_file;           ///< --model-file FILE
  std::string synthetic;            ///< --backend synthetic:...
  std::string device = "cpu";       ///< --device
  int threads = 0;                  ///< --threads (0 = cores available)
  std::uint64_t seed = 1;           ///< --seed of random weights
  std::optional<int> resize;        ///< --resize
  std::optional<int> crop;          ///< --crop
  bool no_optimize = false;         ///< --no-optimize
  std::string precision = "fp32";   ///< --precision
};

/// Adds the backend flags to `cmd`; `several_models` lets --model take a comma-separated list,
/// `synthetic` offers --backend synthetic:...
void add_backend_flags(CLI::App& cmd, BackendFlags& flags, bool several_models, bool synthetic);

/// The backends the flags ask for, one typed spec per model (one for --model-file or --backend),
/// each with the flags' load options. Throws UsageError when none or several of --model /
/// --model-file / --backend are given, InputError for an unknown zoo model.
std::vector<engine::BackendSpec> backend_specs(const BackendFlags& flags);

}  // namespace greenbatch::cli
