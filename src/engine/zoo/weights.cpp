// Copies torchvision weights from a TorchScript file into a zoo network by name.
#include "weights.h"

#include <torch/script.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "greenbatch/core/error.h"

namespace greenbatch::engine::zoo {
namespace {

using TensorMap = std::map<std::string, torch::Tensor>;

std::string shape_text(const torch::Tensor& t) {
  std::ostringstream out;
  out << t.sizes();
  return out.str();
}

TensorMap read_file_tensors(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) {
    throw InputError("weights file '" + file.string() +
                     "' does not exist; pass a TorchScript file "
                     "exported from torchvision with torch.jit.save(torch.jit.script(model), FILE)");
  }
  torch::jit::Module module;
  try {
    module = torch::jit::load(file.string(), torch::kCPU);
  } catch (const c10::Error& e) {
    throw InputError("weights file '" + file.string() + "' is not a readable TorchScript file (" +
                     std::string(e.what_without_backtrace()) +
                     "); export it with torch.jit.save(torch.jit.script(model), FILE)");
  }
  TensorMap tensors;
  for (const auto& p : module.named_parameters(/*recurse=*/true)) tensors[p.name] = p.value;
  for (const auto& b : module.named_buffers(/*recurse=*/true)) tensors[b.name] = b.value;
  return tensors;
}

TensorMap net_tensors(torch::nn::Module& net) {
  TensorMap tensors;
  for (auto& p : net.named_parameters(/*recurse=*/true)) tensors[p.key()] = p.value();
  for (auto& b : net.named_buffers(/*recurse=*/true)) tensors[b.key()] = b.value();
  return tensors;
}

void append_list(std::ostringstream& out, const std::string& title, const std::vector<std::string>& items) {
  if (items.empty()) return;
  constexpr std::size_t kShown = 20;
  out << "\n  " << title << " (" << items.size() << "):";
  for (std::size_t i = 0; i < items.size() && i < kShown; ++i) out << "\n    " << items[i];
  if (items.size() > kShown) out << "\n    ... and " << items.size() - kShown << " more";
}

}  // namespace

void load_torchscript_weights(torch::nn::Module& net, const std::filesystem::path& file) {
  const TensorMap source = read_file_tensors(file);
  TensorMap target = net_tensors(net);
  std::vector<std::string> missing;
  std::vector<std::string> unexpected;
  std::vector<std::string> mismatched;
  for (const auto& [name, tensor] : target) {
    const auto it = source.find(name);
    if (it == source.end()) {
      missing.push_back(name + " " + shape_text(tensor));
    } else if (it->second.sizes() != tensor.sizes()) {
      mismatched.push_back(name + ": model " + shape_text(tensor) + ", file " + shape_text(it->second));
    }
  }
  for (const auto& [name, tensor] : source) {
    if (!target.contains(name)) unexpected.push_back(name + " " + shape_text(tensor));
  }
  if (!missing.empty() || !unexpected.empty() || !mismatched.empty()) {
    std::ostringstream out;
    out << "weights file '" << file.string() << "' does not match the model:";
    append_list(out, "missing from the file", missing);
    append_list(out, "in the file but not in the model", unexpected);
    append_list(out, "shapes differ", mismatched);
    out << "\n  export the same torchvision architecture, or use --model-file to run the file as it is";
    throw InputError(out.str());
  }
  torch::NoGradGuard no_grad;
  for (auto& [name, tensor] : target) tensor.copy_(source.at(name));
}

}  // namespace greenbatch::engine::zoo
