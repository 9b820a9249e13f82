#pragma once
/// The inference engine seen by the rest of greenbatch: something that takes a preprocessed batch
/// and returns class scores, and can say what it is. Implementations: LibTorch and synthetic.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "greenbatch/engine/image_batch.h"
#include "greenbatch/engine/model_catalog.h"

namespace greenbatch::engine {

/// What a backend is and where it runs; written into every result.
struct BackendInfo {
  std::string kind;                ///< "torch" or "synthetic"
  std::string model;               ///< zoo name, TorchScript file, or the synthetic spec
  std::string device;              ///< "cpu" or "cuda:N"
  int threads = 1;                 ///< intra-op threads used
  std::string library;             ///< e.g. "libtorch"
  std::string library_version;     ///< e.g. "1.13.1"
  std::string weights;             ///< "random(seed=N)", a weights file, or "none"
  std::string precision = "fp32";  ///< fp32 or bf16 (engine/precision.h)
  bool optimized = false;          ///< rewritten at load for inference (folded, oneDNN layouts); false: as built
};

/// Class scores for a batch: `rows` x `classes` floats, row-major. Empty for synthetic backends.
struct Scores {
  int rows = 0;               ///< images in the batch
  int classes = 0;            ///< scores per image
  std::vector<float> values;  ///< rows * classes logits
};

/// An inference engine holding one loaded model. Not thread-safe: one caller at a time
/// (the trial's worker thread). Owned by whoever made it (factories return unique_ptr).
class Backend {
 public:
  virtual ~Backend() = default;
  Backend() = default;
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  /// Describes the backend (kind, model, device, threads, library and version, weights).
  [[nodiscard]] virtual BackendInfo info() const = 0;
  /// The input each image must have, and how images are preprocessed for this model.
  [[nodiscard]] virtual Preprocessing preprocessing() const = 0;
  /// Shape of one input image (channels, crop height, crop width).
  [[nodiscard]] virtual InputShape input_shape() const = 0;
  /// Runs `iterations` uncounted batches of `batch_size` zero images (allocator, caches, JIT). On
  /// CUDA, also one batch of every smaller size not yet run: each new shape's first batch is slow.
  virtual void warm_up(int batch_size, int iterations) = 0;
  /// Runs one batch; returns when its results are ready (device synchronised).
  virtual Scores run(const ImageBatch& batch) = 0;
  /// Like run(), but discards the scores (no device-to-host copy); for timing loops.
  virtual void run_discard(const ImageBatch& batch) = 0;
  /// FLOPs of one image (2 x multiply-accumulates of convolutions and matrix products, counted
  /// from operator shapes on a batch-1 forward pass), or nullopt where that means nothing.
  [[nodiscard]] virtual std::optional<double> flops_per_image() = 0;
};

}  // namespace greenbatch::engine
