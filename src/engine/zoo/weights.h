#pragma once
/// Internal to engine: copying torchvision weights into a zoo network.

#include <torch/torch.h>

#include <filesystem>

namespace greenbatch::engine::zoo {

/// Copies every parameter and buffer of the TorchScript module in `file` (exported from
/// torchvision with torch.jit.save(torch.jit.script(model))) into `net` by name. Throws
/// InputError naming the file when it cannot be read, or listing the names missing on either
/// side and the shapes that differ; `net` is untouched then.
void load_torchscript_weights(torch::nn::Module& net, const std::filesystem::path& file);

}  // namespace greenbatch::engine::zoo
