// The one number parser: decimal only, finite, never clamped, readable ranges.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "greenbatch/core/error.h"
#include "greenbatch/core/number.h"
#include "support/error_message.h"

namespace greenbatch {
namespace {

using ::testing::HasSubstr;
using testing::message_of;

TEST(Number, RealsAreWholeFiniteDecimals) {
  EXPECT_EQ(to_real("50"), 50.0);
  EXPECT_EQ(to_real("0.2"), 0.2);
  EXPECT_EQ(to_real("1e-3"), 1e-3);
  EXPECT_EQ(to_real("+2.5"), 2.5);
  EXPECT_EQ(to_real("-4"), -4.0);
  for (const char* bad : {"", "nan", "NaN", "inf", "-inf", "1e400", "0x10", "5ms", " 5", "5 ", "1,5", "+"}) {
    EXPECT_FALSE(to_real(bad).has_value()) << bad;
  }
}

TEST(Number, IntegersAreDecimalNeverOctalNeverClamped) {
  EXPECT_EQ(to_integer("010"), 10);  // decimal, not octal 8
  EXPECT_EQ(to_integer("-3"), -3);
  EXPECT_EQ(to_integer("9223372036854775807"), INT64_MAX);
  for (const char* bad : {"99999999999999999999", "9223372036854775808", "1.5", "1e3", "", "0x1f", "7 "}) {
    EXPECT_FALSE(to_integer(bad).has_value()) << bad;
  }
}

TEST(Number, RangesReadAsRules) {
  EXPECT_EQ(NumberRange::above(0).describe(), "must be > 0");
  EXPECT_EQ(NumberRange::at_least(1).describe(), "must be >= 1");
  EXPECT_EQ(NumberRange::between(1, 4096).describe(), "must be between 1 and 4096");
  EXPECT_EQ((NumberRange{0.0, true, 604800.0, false}).describe(), "must be > 0 and <= 604800");
  EXPECT_EQ(NumberRange{}.describe(), "must be a finite number");
  EXPECT_FALSE(NumberRange::above(0).contains(0.0));
  EXPECT_TRUE(NumberRange::at_least(0).contains(0.0));
  EXPECT_FALSE(NumberRange{}.contains(std::nan("")));
}

TEST(Number, CheckedParsersNameTheInputAndTheRule) {
  EXPECT_EQ(parse_real("2.5", "--rate", NumberRange::above(0)), 2.5);
  EXPECT_EQ(parse_integer("12", "--requests", NumberRange::at_least(1)), 12);
  EXPECT_THAT(message_of<UsageError>([] { parse_real("nan", "--sample-ms", NumberRange::between(0.1, 1e4)); }),
              HasSubstr("--sample-ms: 'nan' is not a finite decimal number; it must be between 0.1 and 10000"));
  EXPECT_THAT(message_of<UsageError>([] { parse_real("0", "--slo", NumberRange::above(0)); }),
              HasSubstr("--slo must be > 0, not '0'"));
  EXPECT_THAT(message_of<UsageError>([] { parse_integer("99999999999999999999", "--requests"); }),
              HasSubstr("--requests: '99999999999999999999' is outside the 64-bit integer range"));
  EXPECT_THAT(message_of<UsageError>([] { parse_integer("2.5", "--threads"); }),
              HasSubstr("--threads: '2.5' is not a whole decimal number"));
  EXPECT_THAT(message_of<UsageError>([] { check_real(-1.0, "idle_seconds", NumberRange::at_least(0)); }),
              HasSubstr("idle_seconds must be >= 0, not -1"));
}

}  // namespace
}  // namespace greenbatch
