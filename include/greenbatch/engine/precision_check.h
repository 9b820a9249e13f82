#pragma once
/// How far a model run in reduced precision strays from the same model in fp32, on the same
/// inputs and weights: recorded next to every reduced-precision profile.

#include "greenbatch/engine/backend.h"
#include "greenbatch/engine/backend_spec.h"

#include <string>

namespace greenbatch::engine {

/// Agreement of reduced-precision scores with fp32 scores of the same images.
struct PrecisionAgreement {
  int images = 0;               ///< images compared
  double top1_agreement = 0.0;  ///< share of images (0..1) whose highest-scoring class is the same
  double max_logit_diff = 0.0;  ///< largest |reduced - fp32| over every logit of every image
  /// False when fp32 scored every class the same for every image (e.g. random weights behind a
  /// zero head), or when there is no fp32 network to compare with: top-1 and logit differences
  /// then say nothing about the precision.
  bool measurable = true;
  std::string why_not;  ///< when not measurable: why, and how to measure it
};

/// Compares `reduced` with `reference` (same images, same order). Throws InputError when their
/// shapes differ or they hold no image.
PrecisionAgreement compare_scores(const Scores& reduced, const Scores& reference);

/// Runs `reduced` (loaded from `spec`) and `spec` loaded again in fp32 on the same `images`
/// generated photos (seeded, preprocessed as the model expects) and compares their scores. Loads
/// a second copy of the model for the duration of the call. A TorchScript file quantized in PyTorch
/// has no fp32 network here: not measurable.
PrecisionAgreement agreement_with_fp32(Backend& reduced, const BackendSpec& spec, int images = 16);

}  // namespace greenbatch::engine
