#pragma once
/// A batch of preprocessed images as one dense NCHW float buffer, free of any tensor library so
/// that queues and trials can carry it without including torch.

#include <cstddef>
#include <vector>

namespace greenbatch::engine {

/// Channels, height and width of one model input image.
struct InputShape {
  int channels = 3;  ///< colour channels (3 for RGB)
  int height = 224;  ///< pixels
  int width = 224;   ///< pixels
  /// Number of floats in one image.
  [[nodiscard]] std::size_t image_floats() const {
    return static_cast<std::size_t>(channels) * static_cast<std::size_t>(height) * static_cast<std::size_t>(width);
  }
  friend bool operator==(const InputShape&, const InputShape&) = default;
};

/// `size` images of `shape`, planar RGB, normalised, contiguous in NCHW order. Owns its data.
struct ImageBatch {
  InputShape shape;         ///< shape of each image
  int size = 0;             ///< number of images (N)
  std::vector<float> data;  ///< size * shape.image_floats() values

  /// An all-zero batch of `n` images of `shape`.
  static ImageBatch zeros(int n, InputShape shape) {
    return ImageBatch{shape, n, std::vector<float>(static_cast<std::size_t>(n) * shape.image_floats())};
  }
  /// Pointer to the first float of image `i`.
  [[nodiscard]] float* image(int i) { return data.data() + static_cast<std::size_t>(i) * shape.image_floats(); }
};

}  // namespace greenbatch::engine
