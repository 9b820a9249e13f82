// The ImageNet class names, parsed from the embedded data/imagenet_classes.txt.
#include "greenbatch/engine/class_names.h"

#include "../core/embedded.h"

namespace greenbatch::engine {

const std::vector<std::string>& imagenet_class_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    const std::string_view text = embedded::imagenet_classes_txt();
    std::size_t start = 0;
    while (start < text.size()) {
      auto end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      out.emplace_back(text.substr(start, end - start));
      start = end + 1;
    }
    return out;
  }();
  return names;
}

}  // namespace greenbatch::engine
