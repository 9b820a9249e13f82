// Agreement of reduced-precision scores with fp32.
#include "greenbatch/engine/precision_check.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "greenbatch/core/error.h"
#include "greenbatch/engine/preprocess.h"
#include "greenbatch/engine/top_k.h"

namespace greenbatch::engine {

PrecisionAgreement compare_scores(const Scores& reduced, const Scores& reference) {
  if (reduced.rows != reference.rows || reduced.classes != reference.classes || reduced.rows < 1 ||
      reduced.classes < 1 || reduced.values.size() != reference.values.size()) {
    throw InputError(fmt::format("cannot compare scores of {}x{} with {}x{}: both runs must score the same images",
                                 reduced.rows, reduced.classes, reference.rows, reference.classes));
  }
  PrecisionAgreement agreement;
  agreement.images = reduced.rows;
  int same = 0;
  bool constant = true;  // every fp32 row scores each class the same
  const auto classes = static_cast<std::size_t>(reduced.classes);
  for (std::size_t row = 0; row < static_cast<std::size_t>(reduced.rows); ++row) {
    const std::span<const float> a(reduced.values.data() + row * classes, classes);
    const std::span<const float> b(reference.values.data() + row * classes, classes);
    const auto [low, high] = std::ranges::minmax(b);
    constant = constant && low == high;
    if (top_k_indices(a, 1) == top_k_indices(b, 1)) ++same;
    for (std::size_t i = 0; i < classes; ++i) {
      agreement.max_logit_diff = std::max(agreement.max_logit_diff,
                                          std::abs(static_cast<double>(a[i]) - static_cast<double>(b[i])));
    }
  }
  agreement.top1_agreement = static_cast<double>(same) / reduced.rows;
  agreement.measurable = !constant || reduced.classes == 1;
  if (!agreement.measurable) {
    agreement.why_not = fmt::format(
        "fp32 scores every class the same on {} images (a zero head?); load trained weights with --weights to "
        "measure it",
        agreement.images);
  }
  return agreement;
}

PrecisionAgreement agreement_with_fp32(Backend& reduced, const BackendSpec& spec, int images) {
  if (spec.kind == BackendKind::torchscript && spec.precision == Precision::int8) {
    PrecisionAgreement agreement;
    agreement.measurable = false;
    agreement.why_not =
        "the file was quantized in PyTorch, so there is no fp32 network to compare with here; profile the float "
        "model's file in fp32 on the same images";
    return agreement;
  }
  auto reference_spec = spec;
  reference_spec.precision = Precision::fp32;
  const auto reference = make_backend(reference_spec);
  const auto batch = preprocess_generated_images(images, reduced.preprocessing());
  return compare_scores(reduced.run(batch), reference->run(batch));
}

}  // namespace greenbatch::engine
