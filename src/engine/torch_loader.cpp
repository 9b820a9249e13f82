// Loading the LibTorch plugin on first use, and the public torch entry points that go through it.
#include <dlfcn.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <vector>

#include <fmt/format.h>

#include "greenbatch/core/error.h"
#include "torch_api.h"

namespace greenbatch::engine {
namespace {

constexpr const char* kPluginName = "libgreenbatch_torch.so";

// Where the plugin may be: GREENBATCH_TORCH_PLUGIN, beside the executable (the build tree),
// ../lib/greenbatch/ from it (an install), and where this build put it.
std::vector<std::filesystem::path> candidates() {
  std::vector<std::filesystem::path> paths;
  if (const char* env = std::getenv("GREENBATCH_TORCH_PLUGIN"); env != nullptr && *env != '\0') {
    paths.emplace_back(env);
    return paths;
  }
  std::array<char, 4096> exe{};
  if (const auto n = readlink("/proc/self/exe", exe.data(), exe.size() - 1); n > 0) {
    const auto dir = std::filesystem::path(std::string(exe.data(), static_cast<std::size_t>(n))).parent_path();
    paths.push_back(dir / kPluginName);
    paths.push_back(dir.parent_path() / "lib" / "greenbatch" / kPluginName);
  }
  paths.emplace_back(GREENBATCH_TORCH_PLUGIN_PATH);
  return paths;
}

const TorchApi& load() {
  static const TorchApi* api = nullptr;
  static std::once_flag once;
  static std::string failure;
  std::call_once(once, [] {
    // How idle OpenMP and OpenBLAS threads wait (read when those libraries load).
    for (const auto& [name, value] : kThreadWaitSettings) setenv(name, value, 0);
    std::vector<std::string> tried;
    for (const auto& path : candidates()) {
      std::error_code ignored;
      if (!std::filesystem::exists(path, ignored)) {
        tried.push_back(path.string() + ": not found");
        continue;
      }
      void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);  // never closed: backends live in it
      if (handle == nullptr) {
        tried.push_back(path.string() + ": " + dlerror());
        continue;
      }
      using Entry = const TorchApi* (*)();
      const auto entry = reinterpret_cast<Entry>(dlsym(handle, kTorchApiSymbol));
      const TorchApi* found = entry == nullptr ? nullptr : entry();
      if (found == nullptr || found->version != kTorchApiVersion) {
        tried.push_back(path.string() + ": not a greenbatch LibTorch plugin of this version");
        continue;
      }
      api = found;
      return;
    }
    failure = fmt::format("{}", fmt::join(tried, "; "));
  });
  if (api == nullptr) {
    throw UnsupportedError(
        fmt::format("the LibTorch engine ({}) could not be loaded ({}); rebuild greenbatch (scripts/build.sh) or point "
                    "GREENBATCH_TORCH_PLUGIN at the plugin",
                    kPluginName, failure));
  }
  return *api;
}

}  // namespace

std::unique_ptr<Backend> make_torch_backend(const TorchOptions& options) { return load().make_backend(options); }

ZooModelStats count_zoo_model(std::string_view name) { return load().count_zoo_model(name); }

std::string torch_version() { return load().version_text(); }

bool torch_has_cuda() { return load().has_cuda(); }

}  // namespace greenbatch::engine
