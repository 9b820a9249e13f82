#pragma once
/// Image preprocessing as torchvision's ImageNet transforms do it, with OpenCV: decode, resize the
/// shorter side, centre crop, scale to 0..1, normalise per channel, write planar RGB floats.

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "greenbatch/engine/image_batch.h"
#include "greenbatch/engine/model_catalog.h"

namespace greenbatch::engine {

/// An 8-bit RGB image, interleaved (HWC), as decoded.
struct RgbImage {
  int height = 0;                  ///< pixels
  int width = 0;                   ///< pixels
  std::vector<std::uint8_t> data;  ///< height * width * 3 bytes, R G B per pixel
};

/// Decodes a JPEG or PNG file; throws InputError naming the file if it is missing or corrupt.
RgbImage decode_image_file(const std::filesystem::path& file);

/// Decodes JPEG or PNG bytes; throws InputError (mentioning `label`) when they are not an image.
RgbImage decode_image_bytes(std::span<const std::uint8_t> bytes, const std::string& label);

/// Resizes, crops and normalises `image` into `out` (3 * crop * crop floats, planar RGB).
void preprocess_into(const RgbImage& image, const Preprocessing& spec, float* out);

/// Preprocesses files into one batch of shape [files.size(), 3, crop, crop].
ImageBatch preprocess_files(const std::vector<std::filesystem::path>& files, const Preprocessing& spec);

/// `count` generated images (generated_images.h, drawn with `seed`) preprocessed into one batch.
ImageBatch preprocess_generated_images(int count, const Preprocessing& spec, std::uint64_t seed = 1);

}  // namespace greenbatch::engine
