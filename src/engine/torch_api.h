#pragma once
// Internal to engine: the entry points of the LibTorch plugin (libgreenbatch_torch.so). Everything
// that includes torch is built into that plugin; the rest of greenbatch loads it with dlopen the
// first time a model runs (torch_loader.cpp), so commands that run no model never pay LibTorch's
// start-up. Both sides are built together, so C++ types cross the boundary.

#include <memory>
#include <string>
#include <string_view>

#include "greenbatch/engine/torch_backend.h"
#include "greenbatch/engine/zoo.h"

namespace greenbatch::engine {

/// Bumped whenever TorchApi changes, so a stale plugin is refused rather than misused.
inline constexpr int kTorchApiVersion = 2;

/// The plugin's functions.
struct TorchApi {
  int version = kTorchApiVersion;                                           ///< kTorchApiVersion
  std::unique_ptr<Backend> (*make_backend)(const TorchOptions&) = nullptr;  ///< make_torch_backend
  ZooModelStats (*count_zoo_model)(std::string_view) = nullptr;             ///< count_zoo_model
  std::string (*version_text)() = nullptr;                                  ///< torch_version
  bool (*has_cuda)() = nullptr;                                             ///< torch_has_cuda
};

/// The symbol the plugin exports: returns its TorchApi (static storage).
inline constexpr const char* kTorchApiSymbol = "greenbatch_torch_api";

/// The plugin's implementations (defined in the plugin's sources).
namespace in_plugin {
/// Loads a zoo model or TorchScript file.
std::unique_ptr<Backend> make_torch_backend(const TorchOptions& options);
/// Builds a zoo model and counts its parameters and FLOPs.
ZooModelStats count_zoo_model(std::string_view name);
}  // namespace in_plugin

}  // namespace greenbatch::engine
