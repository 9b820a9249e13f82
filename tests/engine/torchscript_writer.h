#pragma once
/// Test helper: writes a torch::nn::Module's parameters and buffers into a TorchScript file with
/// the same nested names, the layout torch.jit.save(torch.jit.script(model)) produces.

#include <torch/script.h>
#include <torch/torch.h>

#include <filesystem>
#include <string>

namespace greenbatch::testing {

/// Saves every parameter and buffer of `net` under its dotted name into `file`.
inline void save_as_torchscript(torch::nn::Module& net, const std::filesystem::path& file) {
  int counter = 0;
  std::function<torch::jit::Module(torch::nn::Module&)> convert = [&](torch::nn::Module& m) {
    torch::jit::Module out("__torch__.Exported" + std::to_string(counter++));
    for (const auto& p : m.named_parameters(/*recurse=*/false)) out.register_parameter(p.key(), p.value(), false);
    for (const auto& b : m.named_buffers(/*recurse=*/false)) out.register_buffer(b.key(), b.value());
    for (const auto& child : m.named_children()) out.register_module(child.key(), convert(*child.value()));
    return out;
  };
  convert(net).save(file.string());
}

}  // namespace greenbatch::testing
