#pragma once
/// The LibTorch backend. This header does not include torch: the torch code lives in a plugin
/// (libgreenbatch_torch.so) that the functions below load on first use, so commands that run no
/// model start without LibTorch.

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "greenbatch/engine/backend.h"
#include "greenbatch/engine/precision.h"

namespace greenbatch::engine {

/// One environment variable that LibTorch's OpenMP runtime or OpenBLAS reads when it loads.
struct ThreadWaitSetting {
  const char* name;   ///< the variable
  const char* value;  ///< greenbatch's default (a value the user set is kept)
};

/// How idle inference threads wait: OpenMP threads sleep at once, OpenBLAS's pool after 2^4
/// cycles. libgomp's default (about 3 ms of spinning, or forever when ACTIVE) burns the cores
/// between requests and, on a busy machine, made inference up to 40x slower. A short spin
/// (GOMP_SPINCOUNT=1000, which the user may set) gives 3x the images/s of back-to-back batch-1
/// inference on 2 threads, but made light-load live trials slower here (README, "Threads that
/// wait"), so it is not the default.
inline constexpr std::array<ThreadWaitSetting, 2> kThreadWaitSettings{{
    {"OMP_WAIT_POLICY", "PASSIVE"},
    {"OPENBLAS_THREAD_TIMEOUT", "4"},
}};

/// Where inference runs.
struct DeviceSpec {
  bool cuda = false;  ///< false: CPU
  int index = 0;      ///< CUDA device index when cuda
};

/// Parses "cpu", "cuda" or "cuda:N"; throws UsageError otherwise.
DeviceSpec parse_device(const std::string& text);

/// What to load and how to run it.
struct TorchOptions {
  std::string zoo_model;                            ///< zoo name; empty when model_file is set
  std::optional<std::filesystem::path> weights;     ///< torchvision TorchScript file to copy weights from
  std::optional<std::filesystem::path> model_file;  ///< any TorchScript module to run instead of the zoo
  std::optional<int> resize;                        ///< overrides the model's resize size
  std::optional<int> crop;                          ///< overrides the model's crop (= input) size
  std::uint64_t seed = 1;                           ///< seed of random weights
  DeviceSpec device;                                ///< CPU or CUDA
  int threads = 0;                                  ///< most intra-op threads a batch uses; 0 = cores available
  bool optimize = true;                             ///< fold batch norm, channels-last / oneDNN at load
  Precision precision = Precision::fp32;            ///< weights and activations (int8: refused)
};

/// Loads the model. Throws InputError (unknown model, bad or mismatched weights file, unreadable
/// model file) or UnsupportedError (CUDA requested from a LibTorch without CUDA, a precision this
/// model and device cannot run in).
std::unique_ptr<Backend> make_torch_backend(const TorchOptions& options);

/// LibTorch's version string, e.g. "1.13.1".
std::string torch_version();

/// True when this LibTorch build was compiled with CUDA support.
bool torch_has_cuda();

/// Number of CPU cores this process may run on (its affinity mask).
int available_cores();

}  // namespace greenbatch::engine
