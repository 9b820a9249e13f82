#pragma once
/// Data files compiled into the binary (see cmake/EmbedText.cmake).

#include <string_view>

namespace greenbatch::embedded {

/// data/imagenet_models.csv: the zoo table.
std::string_view imagenet_models_csv();
/// data/imagenet_classes.txt: the 1000 ImageNet class names, one per line.
std::string_view imagenet_classes_txt();

}  // namespace greenbatch::embedded
