// Preprocessing: normalisation of known pixels, resize and crop geometry, decoding and errors.
#include <gtest/gtest.h>

#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "greenbatch/core/error.h"
#include "greenbatch/engine/generated_images.h"
#include "greenbatch/engine/preprocess.h"
#include "support/temp_dir.h"

namespace greenbatch::engine {
namespace {

RgbImage solid(int height, int width, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  RgbImage image{height, width, {}};
  for (int i = 0; i < height * width; ++i) image.data.insert(image.data.end(), {r, g, b});
  return image;
}

float at(const std::vector<float>& out, int crop, int channel, int y, int x) {
  return out[static_cast<std::size_t>((channel * crop + y) * crop + x)];
}

TEST(Preprocess, KnownPixelBecomesKnownNormalisedValue) {
  const Preprocessing spec;  // ImageNet mean/std, resize 256, crop 224
  std::vector<float> out(3 * 224 * 224);
  preprocess_into(solid(300, 400, 255, 0, 128), spec, out.data());
  // (v / 255 - mean) / std with torchvision's ImageNet mean and std.
  EXPECT_NEAR(at(out, 224, 0, 100, 100), (1.0 - 0.485) / 0.229, 1e-5);
  EXPECT_NEAR(at(out, 224, 1, 0, 0), (0.0 - 0.456) / 0.224, 1e-5);
  EXPECT_NEAR(at(out, 224, 2, 223, 223), (128.0 / 255.0 - 0.406) / 0.225, 1e-5);
}

TEST(Preprocess, CentreCropTakesTheMiddle) {
  // No resize (shorter side already 200); crop 100 of 300x200 starts at column 100, row 50.
  RgbImage image = solid(200, 300, 0, 0, 0);
  auto set_red = [&](int y, int x) { image.data[static_cast<std::size_t>((y * 300 + x) * 3)] = 255; };
  set_red(50, 100);
  set_red(149, 199);
  Preprocessing spec;
  spec.resize = 200;
  spec.crop = 100;
  std::vector<float> out(3 * 100 * 100);
  preprocess_into(image, spec, out.data());
  const float red = (1.0F - 0.485F) / 0.229F;
  const float black = -0.485F / 0.229F;
  EXPECT_NEAR(at(out, 100, 0, 0, 0), red, 1e-5);
  EXPECT_NEAR(at(out, 100, 0, 99, 99), red, 1e-5);
  EXPECT_NEAR(at(out, 100, 0, 0, 1), black, 1e-5);
  EXPECT_NEAR(at(out, 100, 0, 1, 0), black, 1e-5);
}

TEST(Preprocess, ResizesTheShorterSideKeepingTheAspect) {
  // 400x200, left half red, right half blue; resize to 100 gives 200x100; crop 100 starts at x=50,
  // so the crop's left half comes from the red half and its right half from the blue half.
  RgbImage image = solid(200, 400, 0, 0, 255);
  for (int y = 0; y < 200; ++y) {
    for (int x = 0; x < 200; ++x) {
      auto* px = &image.data[static_cast<std::size_t>((y * 400 + x) * 3)];
      px[0] = 255;
      px[2] = 0;
    }
  }
  Preprocessing spec;
  spec.resize = 100;
  spec.crop = 100;
  std::vector<float> out(3 * 100 * 100);
  preprocess_into(image, spec, out.data());
  EXPECT_NEAR(at(out, 100, 0, 50, 10), (1.0 - 0.485) / 0.229, 1e-4);  // red
  EXPECT_NEAR(at(out, 100, 2, 50, 90), (1.0 - 0.406) / 0.225, 1e-4);  // blue
  EXPECT_NEAR(at(out, 100, 0, 50, 90), -0.485 / 0.229, 1e-4);
}

TEST(Preprocess, PadsWithZeroPixelsWhenTheCropIsLarger) {
  Preprocessing spec;
  spec.resize = 10;
  spec.crop = 14;
  std::vector<float> out(3 * 14 * 14);
  preprocess_into(solid(10, 10, 255, 255, 255), spec, out.data());
  EXPECT_NEAR(at(out, 14, 0, 0, 0), -0.485 / 0.229, 1e-5);         // padding: pixel value 0
  EXPECT_NEAR(at(out, 14, 0, 7, 7), (1.0 - 0.485) / 0.229, 1e-5);  // image
}

TEST(Preprocess, DecodesPngAsRgb) {
  testing::TempDir dir("decode-png");
  cv::Mat bgr(4, 6, CV_8UC3, cv::Scalar(10, 20, 250));  // OpenCV order: B, G, R
  const auto file = dir.path() / "red.png";
  ASSERT_TRUE(cv::imwrite(file.string(), bgr));
  const auto image = decode_image_file(file);
  EXPECT_EQ(image.height, 4);
  EXPECT_EQ(image.width, 6);
  EXPECT_EQ(image.data[0], 250);  // R first
  EXPECT_EQ(image.data[1], 20);
  EXPECT_EQ(image.data[2], 10);
}

TEST(Preprocess, BatchOfFilesIsNchw) {
  testing::TempDir dir("batch");
  const auto jpegs = generate_jpeg_images(2, 120, 90);
  std::vector<std::filesystem::path> files;
  for (std::size_t i = 0; i < jpegs.size(); ++i) {
    files.push_back(dir.path() / ("img" + std::to_string(i) + ".jpg"));
    std::ofstream(files.back(), std::ios::binary)
        .write(reinterpret_cast<const char*>(jpegs[i].data()), static_cast<std::streamsize>(jpegs[i].size()));
  }
  Preprocessing spec;
  spec.resize = 64;
  spec.crop = 56;
  const auto batch = preprocess_files(files, spec);
  EXPECT_EQ(batch.size, 2);
  EXPECT_EQ(batch.shape, (InputShape{3, 56, 56}));
  EXPECT_EQ(batch.data.size(), 2U * 3 * 56 * 56);
}

TEST(Preprocess, CorruptImageIsAnErrorNamingTheFile) {
  testing::TempDir dir("corrupt");
  const auto file = dir.path() / "broken.jpg";
  std::ofstream(file) << "this is not a jpeg";
  try {
    (void)decode_image_file(file);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("broken.jpg"), std::string::npos) << e.what();
  }
}

TEST(Preprocess, MissingImageIsAnErrorNamingTheFile) {
  try {
    (void)decode_image_file("/nonexistent/cat.png");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/cat.png"), std::string::npos) << e.what();
  }
}

TEST(GeneratedImages, AreDecodableJpegsAndReproducible) {
  const auto a = generate_jpeg_images(3, 64, 48, 5);
  const auto b = generate_jpeg_images(3, 64, 48, 5);
  ASSERT_EQ(a.size(), 3U);
  EXPECT_EQ(a, b);
  EXPECT_NE(a[0], a[1]);
  const auto image = decode_image_bytes(a[0], "generated");
  EXPECT_EQ(image.width, 64);
  EXPECT_EQ(image.height, 48);
}

}  // namespace
}  // namespace greenbatch::engine
