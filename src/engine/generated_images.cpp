// Reproducible synthetic JPEG photos.
#include "greenbatch/engine/generated_images.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace greenbatch::engine {

std::vector<std::vector<std::uint8_t>> generate_jpeg_images(int count, int width, int height, std::uint64_t seed) {
  cv::RNG rng(seed);
  std::vector<std::vector<std::uint8_t>> images;
  images.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    // A coarse random colour grid blown up smoothly, plus pixel noise: photo-like frequency content.
    cv::Mat coarse(6, 8, CV_8UC3);
    rng.fill(coarse, cv::RNG::UNIFORM, 0, 256);
    cv::Mat image;
    cv::resize(coarse, image, cv::Size(width, height), 0, 0, cv::INTER_CUBIC);
    cv::Mat noise(height, width, CV_8UC3);
    rng.fill(noise, cv::RNG::UNIFORM, 0, 25);
    image = image + noise - cv::Scalar::all(12);  // saturating: noise of +-12 levels
    std::vector<std::uint8_t> jpeg;
    cv::imencode(".jpg", image, jpeg, {cv::IMWRITE_JPEG_QUALITY, 90});
    images.push_back(std::move(jpeg));
  }
  return images;
}

}  // namespace greenbatch::engine
