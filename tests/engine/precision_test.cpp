// Precision names and the comparison of reduced-precision scores with fp32.
#include <gtest/gtest.h>

#include <string>

#include "greenbatch/core/error.h"
#include "greenbatch/engine/backend_spec.h"
#include "greenbatch/engine/precision.h"
#include "greenbatch/engine/precision_check.h"

namespace greenbatch::engine {
namespace {

TEST(Precision, ParsesAndNamesEveryLevel) {
  for (const auto p : {Precision::fp32, Precision::bf16, Precision::fp16, Precision::int8}) {
    EXPECT_EQ(parse_precision(to_string(p)), p);
  }
  EXPECT_THROW((void)parse_precision("half"), UsageError);
  EXPECT_THROW((void)parse_precision("BF16"), UsageError);
}

TEST(Precision, ComparesTopOneAndLargestDifference) {
  // Two images, three classes: the first keeps its top class, the second does not.
  const Scores fp32{2, 3, {1.0F, 5.0F, 2.0F, 3.0F, 0.0F, 2.5F}};
  const Scores reduced{2, 3, {1.25F, 4.5F, 2.0F, 2.0F, 0.0F, 2.5F}};
  const auto agreement = compare_scores(reduced, fp32);
  EXPECT_EQ(agreement.images, 2);
  EXPECT_DOUBLE_EQ(agreement.top1_agreement, 0.5);
  EXPECT_DOUBLE_EQ(agreement.max_logit_diff, 1.0);
}

TEST(Precision, ConstantFp32ScoresAreNotMeasurable) {
  // A zero head scores every class 0 whatever the image: top-1 "agrees" trivially.
  const Scores fp32{2, 3, {0.0F, 0.0F, 0.0F, 0.0F, 0.0F, 0.0F}};
  EXPECT_FALSE(compare_scores(fp32, fp32).measurable);
  // One image with a spread is enough to measure.
  const Scores spread{2, 3, {0.0F, 0.0F, 0.0F, 0.0F, 1.0F, 0.0F}};
  EXPECT_TRUE(compare_scores(spread, spread).measurable);
}

TEST(Precision, MismatchedScoresAreRefused) {
  const Scores a{1, 3, {1.0F, 2.0F, 3.0F}};
  const Scores b{1, 2, {1.0F, 2.0F}};
  EXPECT_THROW((void)compare_scores(a, b), InputError);
  EXPECT_THROW((void)compare_scores(Scores{}, Scores{}), InputError);
}

BackendSpec zoo_spec(const std::string& model, Precision precision) {
  auto spec = BackendSpec::parse_target(model);
  spec.precision = precision;
  return spec;
}

std::string refusal(const BackendSpec& spec) {
  try {
    check_precision(spec);
  } catch (const UnsupportedError& e) {
    return e.what();
  }
  return "";
}

// Refused before anything loads, naming the model, the precision and the fix.
TEST(Precision, CombinationsThatCannotRunAreRefusedUpFront) {
  EXPECT_EQ(refusal(zoo_spec("resnet50", Precision::int8)), "");
  EXPECT_EQ(refusal(zoo_spec("mnasnet1_0", Precision::int8)), "");
  EXPECT_EQ(refusal(zoo_spec("/models/quantized.pt", Precision::int8)), "");  // shows at load
  EXPECT_EQ(refusal(zoo_spec("vit_b_16", Precision::bf16)), "");

  const auto vit = refusal(zoo_spec("vit_b_16", Precision::int8));
  EXPECT_NE(vit.find("--precision int8 for vit_b_16"), std::string::npos) << vit;
  EXPECT_NE(vit.find("googlenet, resnet50, inception_v3, resnext50_32x4d, mobilenet_v2, mnasnet1_0"), std::string::npos)
      << vit;
  auto plain = zoo_spec("resnet50", Precision::int8);
  plain.optimize = false;
  EXPECT_NE(refusal(plain).find("drop --no-optimize"), std::string::npos) << refusal(plain);
  auto cuda = zoo_spec("resnet50", Precision::int8);
  cuda.device.cuda = true;
  EXPECT_NE(refusal(cuda).find("CPU only"), std::string::npos) << refusal(cuda);
  const auto fp16 = refusal(zoo_spec("shufflenet_v2_x1_0", Precision::fp16));
  EXPECT_NE(fp16.find("--precision fp16 for shufflenet_v2_x1_0"), std::string::npos) << fp16;
  EXPECT_NE(fp16.find("CUDA only"), std::string::npos) << fp16;
  EXPECT_NE(fp16.find("bf16"), std::string::npos) << fp16;
  cuda.precision = Precision::fp16;
  EXPECT_EQ(refusal(cuda), "");
}

TEST(Precision, SyntheticBackendRefusesReducedPrecision) {
  auto spec = BackendSpec::parse_target("synthetic:alpha=1,tau0=1");
  spec.precision = Precision::bf16;
  EXPECT_THROW((void)make_backend(spec), UnsupportedError);
  spec.precision = Precision::fp32;
  EXPECT_EQ(make_backend(spec)->info().precision, "fp32");
}

}  // namespace
}  // namespace greenbatch::engine
