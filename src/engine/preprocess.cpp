// ImageNet preprocessing with OpenCV, following torchvision's Resize / CenterCrop / Normalize.
#include "greenbatch/engine/preprocess.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <fstream>
#include <iterator>

#include "greenbatch/core/error.h"

namespace greenbatch::engine {
namespace {

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

}  // namespace

RgbImage decode_image_bytes(std::span<const std::uint8_t> bytes, const std::string& label) {
  cv::Mat decoded;
  if (!bytes.empty()) {
    const cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<std::uint8_t*>(bytes.data()));
    decoded = cv::imdecode(raw, cv::IMREAD_COLOR);
  }
  if (decoded.empty()) {
    throw InputError("image '" + label + "' could not be decoded: it is empty, corrupt or not a JPEG/PNG file; "
                     "remove it or replace it with a valid image");
  }
  return from_bgr(decoded);
}

RgbImage decode_image_file(const std::filesystem::path& file) {
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

}  // namespace greenbatch::engine
