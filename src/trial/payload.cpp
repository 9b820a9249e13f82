// Request payloads: an image folder or generated images.
#include "greenbatch/trial/payload.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "greenbatch/core/error.h"
#include "greenbatch/engine/generated_images.h"
#include "greenbatch/engine/preprocess.h"

namespace greenbatch::trial {
namespace {

bool is_image(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  std::ranges::transform(ext, ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png";
}

}  // namespace

Payload load_image_folder(const std::filesystem::path& folder) {
  std::error_code error;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
    if (!is_image(entry.path())) continue;
    std::error_code ignored;
    if (entry.is_symlink(ignored) && !std::filesystem::exists(entry.path(), ignored)) {
      throw InputError(
          fmt::format("--images '{}': '{}' is a broken symbolic link (its target {} is missing); fix or "
                      "remove it",
                      folder.string(), entry.path().filename().string(),
                      std::filesystem::read_symlink(entry.path(), ignored).string()));
    }
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  if (error) {
    throw InputError(fmt::format("--images '{}' cannot be read ({}); give a folder of JPEG or PNG images",
                                 folder.string(), error.message()));
  }
  if (files.empty()) {
    throw InputError(
        fmt::format("--images '{}' holds no .jpg, .jpeg or .png file; add images or leave out "
                    "--images to use generated ones",
                    folder.string()));
  }
  std::ranges::sort(files);
  Payload payload{{}, folder.string()};
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    engine::decode_image_bytes(bytes, file.string());  // throws InputError naming a corrupt file
    payload.images.push_back(std::move(bytes));
  }
  return payload;
}

Payload generated_images(int count, std::uint64_t seed) {
  return Payload{engine::generate_jpeg_images(count, 500, 375, seed), "generated"};
}

}  // namespace greenbatch::trial
