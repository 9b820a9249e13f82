// ImageNet preprocessing with OpenCV, following torchvision's Resize / CenterCrop / Normalize.
#include "greenbatch/engine/preprocess.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "greenbatch/core/error.h"
#include "greenbatch/engine/generated_images.h"

namespace greenbatch::engine {
namespace {

// OpenCV's own limit on decoded pixels (OPENCV_IO_MAX_IMAGE_PIXELS, 2^30 by default).
constexpr std::int64_t kMaxImagePixels = std::int64_t{1} << 30;
constexpr std::array<std::uint8_t, 2> kJpegEnd{0xFF, 0xD9};

RgbImage from_bgr(const cv::Mat& bgr) {
  cv::Mat rgb;
  cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  RgbImage image;
  image.height = rgb.rows;
  image.width = rgb.cols;
  image.data.assign(rgb.datastart, rgb.dataend);
  return image;
}

int cv_interpolation(Interpolation interpolation) {
  return interpolation == Interpolation::bicubic ? cv::INTER_CUBIC : cv::INTER_LINEAR;
}

// Refuses an encoded JPEG or PNG whose end marker is missing: cut off in transfer or on disk,
// which decoders would otherwise fill with grey and only warn about.
void check_complete(std::span<const std::uint8_t> bytes, const std::string& label) {
  const auto ends_with = [&](std::initializer_list<std::uint8_t> tail) {
    return bytes.size() >= tail.size() &&
           std::equal(tail.begin(), tail.end(), bytes.end() - static_cast<std::ptrdiff_t>(tail.size()));
  };
  const bool jpeg = bytes.size() >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF;
  const bool png = bytes.size() >= 8 && bytes[0] == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G';
  // JPEG ends with EOI (FF D9), possibly followed by padding; PNG with the IEND chunk and its CRC.
  const bool jpeg_ok = !jpeg ||
                       std::search(bytes.end() - static_cast<std::ptrdiff_t>(std::min<std::size_t>(bytes.size(), 64)),
                                   bytes.end(), kJpegEnd.begin(), kJpegEnd.end()) != bytes.end();
  const bool png_ok = !png || ends_with({0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82});
  if (!jpeg_ok || !png_ok) {
    throw InputError(fmt::format("image '{}' is truncated (its {} end marker is missing): copy it again or remove it",
                                 label, jpeg ? "JPEG" : "PNG"));
  }
}

}  // namespace

RgbImage decode_image_bytes(std::span<const std::uint8_t> bytes, const std::string& label) {
  check_complete(bytes, label);
  cv::Mat decoded;
  if (!bytes.empty()) {
    const cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<std::uint8_t*>(bytes.data()));
    try {
      decoded = cv::imdecode(raw, cv::IMREAD_COLOR);
    } catch (const cv::Exception& e) {
      throw InputError(
          fmt::format("image '{}' could not be decoded ({}); images above {} pixels are refused (a "
                      "decompression bomb guard): resize it or give another image",
                      label, e.err, kMaxImagePixels));
    }
  }
  if (decoded.empty()) {
    throw InputError("image '" + label +
                     "' could not be decoded: it is empty, corrupt or not a JPEG/PNG file; "
                     "remove it or replace it with a valid image");
  }
  return from_bgr(decoded);
}

RgbImage decode_image_file(const std::filesystem::path& file) {
  std::error_code ignored;
  if (std::filesystem::is_directory(file, ignored)) {
    throw InputError("'" + file.string() + "' is a folder, not an image file; give JPEG or PNG files");
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw InputError("image '" + file.string() + "' cannot be opened: check the path and its permissions");
  }
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return decode_image_bytes(bytes, file.string());
}

void preprocess_into(const RgbImage& image, const Preprocessing& spec, float* out) {
  const cv::Mat src(image.height, image.width, CV_8UC3, const_cast<std::uint8_t*>(image.data.data()));
  // torchvision Resize(int): the shorter side becomes `resize`, the longer one int(resize * long / short).
  int new_w = spec.resize;
  int new_h = spec.resize;
  if (image.width <= image.height) {
    new_h = static_cast<int>(static_cast<long long>(spec.resize) * image.height / image.width);
  } else {
    new_w = static_cast<int>(static_cast<long long>(spec.resize) * image.width / image.height);
  }
  cv::Mat resized;
  if (new_w == image.width && new_h == image.height) {
    resized = src;
  } else {
    cv::resize(src, resized, cv::Size(new_w, new_h), 0, 0, cv_interpolation(spec.interpolation));
  }
  // torchvision CenterCrop: offsets round((size - crop) / 2); pads with zeros when too small.
  const int crop = spec.crop;
  const int top = static_cast<int>(std::round((resized.rows - crop) / 2.0));
  const int left = static_cast<int>(std::round((resized.cols - crop) / 2.0));
  const std::size_t plane = static_cast<std::size_t>(crop) * static_cast<std::size_t>(crop);
  float scale[3];
  float shift[3];
  for (int c = 0; c < 3; ++c) {
    scale[c] = 1.0F / (255.0F * spec.std[static_cast<std::size_t>(c)]);
    shift[c] = -spec.mean[static_cast<std::size_t>(c)] / spec.std[static_cast<std::size_t>(c)];
  }
  for (int y = 0; y < crop; ++y) {
    const int sy = top + y;
    for (int x = 0; x < crop; ++x) {
      const int sx = left + x;
      const bool inside = sy >= 0 && sy < resized.rows && sx >= 0 && sx < resized.cols;
      const std::uint8_t* px = inside ? resized.ptr<std::uint8_t>(sy) + 3 * sx : nullptr;
      const std::size_t at = static_cast<std::size_t>(y) * static_cast<std::size_t>(crop) + static_cast<std::size_t>(x);
      for (int c = 0; c < 3; ++c) {
        const float value = px != nullptr ? static_cast<float>(px[c]) : 0.0F;
        out[static_cast<std::size_t>(c) * plane + at] = value * scale[c] + shift[c];
      }
    }
  }
}

ImageBatch preprocess_files(const std::vector<std::filesystem::path>& files, const Preprocessing& spec) {
  auto batch = ImageBatch::zeros(static_cast<int>(files.size()), InputShape{3, spec.crop, spec.crop});
  for (std::size_t i = 0; i < files.size(); ++i) {
    preprocess_into(decode_image_file(files[i]), spec, batch.image(static_cast<int>(i)));
  }
  return batch;
}

ImageBatch preprocess_generated_images(int count, const Preprocessing& spec, std::uint64_t seed) {
  auto batch = ImageBatch::zeros(count, InputShape{3, spec.crop, spec.crop});
  const auto jpegs = generate_jpeg_images(count, 500, 375, seed);
  for (int i = 0; i < count; ++i) {
    const auto image = decode_image_bytes(jpegs[static_cast<std::size_t>(i)], fmt::format("generated image {}", i));
    preprocess_into(image, spec, batch.image(i));
  }
  return batch;
}

}  // namespace greenbatch::engine
