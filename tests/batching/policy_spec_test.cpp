// Policy specs: parsing, the normalised text, and every bad spec (UsageError with the valid forms).
#include "greenbatch/batching/policy_spec.h"

#include <gtest/gtest.h>

#include "greenbatch/batching/policy.h"
#include "greenbatch/core/error.h"

namespace greenbatch::batching {
namespace {

TEST(PolicySpec, SpecsAreNormalised) {
  EXPECT_EQ(make_policy("fixed:8")->spec(), "fixed:8");
  EXPECT_EQ(make_policy("fixed:8,timeout=2.5")->spec(), "fixed:8,timeout=2.5");
  EXPECT_EQ(make_policy("greedy")->spec(), "greedy:256");
  EXPECT_EQ(make_policy("dynamic:16,5,preferred=8|4")->spec(), "dynamic:16,5,preferred=4|8");
  EXPECT_EQ(make_policy("dynamic:16,5")->max_batch(), 16u);
}

TEST(PolicySpec, BadSpecsAreUsageErrors) {
  for (const char* spec :
       {"fixed:0", "fixed", "fixed:x", "fixed:4,timeout=-1", "fixed:4,wait=3", "greedy:0", "greedy:1,2", "dynamic:8",
        "dynamic:8,-5", "dynamic:8,5,preferred=16", "dynamic:0,5", "batchy:3"}) {
    EXPECT_THROW(make_policy(spec), UsageError) << spec;
  }
  try {
    make_policy("batchy:3");
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("valid policies: fixed:B"), std::string::npos) << e.what();
  }
}

TEST(PolicySpec, SloParsesPrintsAndRejectsBadValues) {
  const auto spec = PolicySpec::parse("slo:100,max=16,quantile=0.9,margin=5");
  EXPECT_EQ(spec.family, PolicyFamily::slo);
  EXPECT_EQ(spec.batch, 16u);
  EXPECT_DOUBLE_EQ(spec.slo_ms, 100.0);
  EXPECT_DOUBLE_EQ(spec.quantile, 0.9);
  EXPECT_DOUBLE_EQ(spec.margin_ms, 5.0);
  EXPECT_EQ(spec.to_string(), "slo:100,max=16,quantile=0.9,margin=5");
  EXPECT_EQ(PolicySpec::parse("slo:100").to_string(), "slo:100");
  EXPECT_EQ(make_policy("slo:100")->spec(), "slo:100,max=256");  // what runs says its max
  for (const char* bad : {"slo", "slo:0", "slo:-5", "slo:abc", "slo:100,max=0", "slo:100,quantile=0",
                          "slo:100,quantile=1", "slo:100,quantile=1.5", "slo:100,margin=100", "slo:100,bogus=1"}) {
    EXPECT_THROW((void)PolicySpec::parse(bad), UsageError) << bad;
  }
}

TEST(PolicySpec, EveryFamilyRoundTripsThroughItsNormalisedText) {
  for (const char* text :
       {"fixed:8", "fixed:4,timeout=5", "greedy:64", "dynamic:16,5,preferred=4|8", "slo:250,max=4"}) {
    const auto spec = PolicySpec::parse(text);
    EXPECT_EQ(spec.to_string(), text);
    EXPECT_EQ(PolicySpec::parse(spec.to_string()), spec);
  }
  EXPECT_EQ(PolicySpec::parse("greedy").to_string(), "greedy:256");
  EXPECT_EQ(PolicySpec::parse("fixed:8,timeout=inf").to_string(), "fixed:8");  // no timeout, as stored before
}

}  // namespace
}  // namespace greenbatch::batching
