#pragma once
/// The 1000 ImageNet-1K class names in torchvision's order (shipped in data/imagenet_classes.txt).

#include <string>
#include <vector>

namespace greenbatch::engine {

/// Class names indexed by the model's output index. Thread-safe; parsed once.
const std::vector<std::string>& imagenet_class_names();

}  // namespace greenbatch::engine
