#pragma once
/// The typed form of "which model, loaded how": a zoo model, a TorchScript file or the synthetic
/// test double, with its load options. Parsed once (from flags or a study file); run, study,
/// recommend --verify and serve all load backends through it.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "greenbatch/engine/backend.h"
#include "greenbatch/engine/synthetic_backend.h"
#include "greenbatch/engine/torch_backend.h"

namespace greenbatch::engine {

/// What kind of backend a spec names.
enum class BackendKind { zoo, torchscript, synthetic };

/// A model target and its load options.
struct BackendSpec {
  BackendKind kind = BackendKind::zoo;
  std::string zoo_model;                         ///< kind zoo: a name from the catalog
  std::filesystem::path model_file;              ///< kind torchscript: the module file
  SyntheticSpec synthetic;                       ///< kind synthetic: its parameters
  std::optional<std::filesystem::path> weights;  ///< zoo only: torchvision weights to copy in
  std::optional<int> resize;                     ///< overrides the model's resize size
  std::optional<int> crop;                       ///< overrides the model's crop (input) size
  DeviceSpec device;                             ///< CPU or CUDA
  int threads = 0;                               ///< intra-op threads; 0: the cores available
  std::uint64_t seed = 1;                        ///< seed of random weights
  bool optimize = true;                          ///< fold batch norm, oneDNN layouts / freeze at load
  Precision precision = Precision::fp32;         ///< weights and activations; synthetic: fp32 only

  /// Classifies `target`: "synthetic:..." (parsed), a TorchScript file (ends in .pt/.pth or holds
  /// a '/'), else a zoo name (checked against the catalog). Throws UsageError / InputError naming
  /// the target and the fix. Load options keep their defaults.
  static BackendSpec parse_target(const std::string& target);
  /// The normalised target text: the zoo name, the file path, or the synthetic spec.
  [[nodiscard]] std::string target() const;
  /// Whether this is the synthetic test double (no images, no torch).
  [[nodiscard]] bool is_synthetic() const { return kind == BackendKind::synthetic; }
};

/// Refuses, without loading anything, a precision `spec` cannot run: UnsupportedError naming the
/// model, the precision and the fix (fp16 off CUDA; int8 on CUDA, of a zoo model without int8
/// layers or with optimisation off; anything but fp32 on the synthetic backend). Whether a
/// TorchScript file is quantized shows only once it is loaded.
void check_precision(const BackendSpec& spec);

/// Loads the backend `spec` names. Throws check_precision's UnsupportedError and the loaders'
/// InputError / UnsupportedError.
std::unique_ptr<Backend> make_backend(const BackendSpec& spec);

}  // namespace greenbatch::engine
