#pragma once
/// A reproducible set of JPEG images for when the user gives no image folder: smooth random
/// colour fields with noise, at a typical ImageNet photo size, encoded as real JPEG bytes so that
/// decoding and preprocessing cost what they cost for photos.

#include <cstdint>
#include <vector>

namespace greenbatch::engine {

/// `count` JPEG-encoded images of `width` x `height` pixels (quality 90), seeded.
std::vector<std::vector<std::uint8_t>> generate_jpeg_images(int count, int width = 500, int height = 375,
                                                            std::uint64_t seed = 1);

}  // namespace greenbatch::engine
