#pragma once
/// What requests carry: encoded images, decoded and preprocessed per request inside the batch's
/// service time (as a serving system would), or nothing (the synthetic backend's zero tensors).

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace greenbatch::trial {

/// Encoded images; request i carries images[i % size].
struct Payload {
  std::vector<std::vector<std::uint8_t>> images;  ///< JPEG/PNG bytes; empty: zero tensors
  std::string label;                              ///< the folder, "generated", or "none"
};

/// Every .jpg/.jpeg/.png file of `folder` (sorted by name), each decoded once to check it.
/// Throws InputError naming the folder (missing, unreadable, no images) or the corrupt file.
Payload load_image_folder(const std::filesystem::path& folder);

/// `count` generated 500x375 JPEG photos-like images, seeded.
Payload generated_images(int count, std::uint64_t seed);

}  // namespace greenbatch::trial
