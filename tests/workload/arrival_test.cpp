// Arrival processes: spec parsing, seeded reproducibility, gap statistics, trace files, schedules.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include "greenbatch/core/error.h"
#include "greenbatch/workload/arrival.h"
#include "support/error_message.h"
#include "support/temp_dir.h"

namespace greenbatch::workload {
namespace {

using testing::message_of;

std::vector<double> first_n(std::string_view spec, std::uint64_t seed, std::int64_t n) {
  auto process = make_arrival(spec, seed);
  return arrival_schedule(*process, n, std::nullopt);
}

std::vector<double> gaps_of(const std::vector<double>& times) {
  std::vector<double> gaps(times.size());
  std::adjacent_difference(times.begin(), times.end(), gaps.begin());
  return gaps;  // the first "gap" is the first time, measured from t = 0
}

double mean(const std::vector<double>& x) { return std::accumulate(x.begin(), x.end(), 0.0) / double(x.size()); }

double stddev(const std::vector<double>& x) {
  const double m = mean(x);
  double sum = 0.0;
  for (const double v : x) sum += (v - m) * (v - m);
  return std::sqrt(sum / double(x.size() - 1));
}

std::filesystem::path write_file(const testing::TempDir& dir, const std::string& name, const std::string& text) {
  const auto path = dir.path() / name;
  std::ofstream(path) << text;
  return path;
}

TEST(Arrival, SameSeedSameScheduleDifferentSeedDifferent) {
  for (const auto* spec : {"jitter:100", "poisson:100", "onoff:100,0.5,0.5"}) {
    SCOPED_TRACE(spec);
    const auto a = first_n(spec, 7, 200);
    EXPECT_EQ(a, first_n(spec, 7, 200));
    EXPECT_NE(a, first_n(spec, 8, 200));
    EXPECT_TRUE(std::ranges::is_sorted(a));
    EXPECT_GT(a.front(), 0.0);  // the first arrival is one gap after t = 0
  }
}

TEST(Arrival, SpecsAreNormalised) {
  EXPECT_EQ(make_arrival("jitter:100", 1)->spec(), "jitter:100,spread=0.2");
  EXPECT_EQ(make_arrival("jitter:1e2,spread=0.10", 1)->spec(), "jitter:100,spread=0.1");
  EXPECT_EQ(make_arrival("poisson:50.0", 1)->spec(), "poisson:50");
  EXPECT_EQ(make_arrival("onoff:200,0.5,1.5", 1)->spec(), "onoff:200,0.5,1.5");
  EXPECT_EQ(make_arrival("jitter:100", 1)->mean_rate(), 100.0);
  EXPECT_EQ(make_arrival("poisson:50", 1)->mean_rate(), 50.0);
  EXPECT_DOUBLE_EQ(*make_arrival("onoff:200,0.5,1.5", 1)->mean_rate(), 50.0);
}

TEST(Jitter, GapsWithinSpreadAndMeanNearPeriod) {
  constexpr double kRate = 100.0;
  const auto gaps = gaps_of(first_n("jitter:100", 1, 20'000));
  const auto [lo, hi] = std::ranges::minmax(gaps);
  EXPECT_GE(lo, 0.8 / kRate * (1 - 1e-9));
  EXPECT_LE(hi, 1.2 / kRate * (1 + 1e-9));
  // U uniform on [0.8, 1.2] has sd 0.4/sqrt(12) = 0.115, so the mean of 20 000 gaps has a standard
  // error of 0.08% of 1/RATE; 0.5% is about six standard errors.
  EXPECT_NEAR(mean(gaps) * kRate, 1.0, 0.005);
}

TEST(Jitter, ZeroSpreadGivesConstantGaps) {
  const auto times = first_n("jitter:50,spread=0", 1, 1000);
  for (std::size_t i = 0; i < times.size(); ++i) EXPECT_NEAR(times[i], double(i + 1) / 50.0, 1e-9);
}

TEST(Poisson, GapMeanAndCoefficientOfVariation) {
  constexpr double kRate = 250.0;
  const auto gaps = gaps_of(first_n("poisson:250", 3, 50'000));
  // Exponential gaps: the mean of n = 50 000 has a relative standard error of 1/sqrt(n) = 0.45%,
  // so 2% is about 4.5 standard errors; the sample sd's relative standard error is about
  // sqrt(2/n) = 0.63% (fourth moment 9·sd^4), so 3% on the CV is nearly five standard errors.
  EXPECT_NEAR(mean(gaps) * kRate, 1.0, 0.02);
  EXPECT_NEAR(stddev(gaps) / mean(gaps), 1.0, 0.03);
  EXPECT_TRUE(std::ranges::all_of(gaps, [](double g) { return g >= 0.0; }));
}

TEST(OnOff, NoArrivalWhileOffAndRateHeldWhileOn) {
  constexpr double kOn = 0.5;
  constexpr double kCycle = 2.0;  // 0.5 s on, 1.5 s off
  constexpr double kDuration = 40.0;
  auto process = make_arrival("onoff:1000,0.5,1.5", 5);
  const auto times = arrival_schedule(*process, std::nullopt, kDuration);
  for (const double t : times) ASSERT_LT(std::fmod(t, kCycle), kOn) << "arrival at " << t << " s is in an OFF period";
  // 20 ON periods of 0.5 s: about 10 000 arrivals, a Poisson count with a relative sd of 1%;
  // 5% is five standard errors.
  const double on_rate = double(times.size()) / (kDuration / kCycle * kOn);
  EXPECT_NEAR(on_rate / 1000.0, 1.0, 0.05);
  EXPECT_TRUE(std::ranges::is_sorted(times));
}

TEST(OnOff, ZeroOffIsPlainPoisson) {
  const auto gaps = gaps_of(first_n("onoff:100,0.25,0", 2, 20'000));
  EXPECT_NEAR(mean(gaps) * 100.0, 1.0, 0.04);  // relative standard error 0.7%
}

TEST(Trace, AbsoluteTimesSkipBlankAndCommentLines) {
  testing::TempDir dir("arrival_trace_times");
  const auto file = write_file(dir, "times.txt", "# arrival times\n0.5\n\n1.0\n  1.0  \n# late\n2.5\n");
  auto process = make_arrival("trace:" + file.string(), 0);
  EXPECT_EQ(process->spec(), "trace:" + file.string() + ",times");
  EXPECT_EQ(process->mean_rate(), 1.5);  // 3 gaps over 2 s
  EXPECT_EQ(arrival_schedule(*process, 10, std::nullopt), (std::vector<double>{0.5, 1.0, 1.0, 2.5}));
  EXPECT_EQ(process->next(), std::nullopt);
}

TEST(Trace, GapsAccumulate) {
  testing::TempDir dir("arrival_trace_gaps");
  const auto file = write_file(dir, "gaps.txt", "0.5\r\n0.5\r\n1e0\r\n");
  auto process = make_arrival("trace:" + file.string() + ",gaps", 0);
  EXPECT_EQ(process->spec(), "trace:" + file.string() + ",gaps");
  EXPECT_EQ(arrival_schedule(*process, std::nullopt, 100.0), (std::vector<double>{0.5, 1.0, 2.0}));
}

TEST(Trace, SingleArrivalHasNoRate) {
  testing::TempDir dir("arrival_trace_single");
  const auto file = write_file(dir, "one.txt", "3\n");
  EXPECT_EQ(make_arrival("trace:" + file.string(), 0)->mean_rate(), std::nullopt);
}

TEST(Trace, MalformedLinesNameFileAndLine) {
  testing::TempDir dir("arrival_trace_bad");
  struct Case {
    const char* name;
    const char* text;
    const char* option;
    const char* problem;
  };
  for (const auto& c : {Case{"word.txt", "0.1\n0.2\nabc\n", "", "'abc' is not a number"},
                        Case{"nan.txt", "0.1\n0.2\nnan\n", "", "'nan' is not a number"},
                        Case{"decreasing.txt", "1\n# dip\n0.5\n", "", "before the previous arrival"},
                        Case{"negative.txt", "0.1\n\n-1\n", ",gaps", "-1 is negative"}}) {
    SCOPED_TRACE(c.name);
    const auto file = write_file(dir, c.name, c.text);
    const auto message = message_of<InputError>([&] { make_arrival("trace:" + file.string() + c.option, 0); });
    EXPECT_NE(message.find(file.string()), std::string::npos) << message;
    EXPECT_NE(message.find("line 3"), std::string::npos) << message;
    EXPECT_NE(message.find(c.problem), std::string::npos) << message;
  }
}

TEST(Trace, MissingOrEmptyFileIsInputError) {
  testing::TempDir dir("arrival_trace_missing");
  const auto missing = (dir.path() / "absent.txt").string();
  EXPECT_NE(message_of<InputError>([&] { make_arrival("trace:" + missing, 0); }).find(missing), std::string::npos);
  const auto empty = write_file(dir, "empty.txt", "# nothing\n\n").string();
  const auto message = message_of<InputError>([&] { make_arrival("trace:" + empty, 0); });
  EXPECT_NE(message.find(empty), std::string::npos) << message;
  EXPECT_NE(message.find("no arrival times"), std::string::npos) << message;
  EXPECT_THROW(make_arrival("trace:" + empty + ",sorted", 0), UsageError);
}

TEST(ArrivalSpec, UnknownProcessListsValidOnes) {
  const auto message = message_of<UsageError>([] { make_arrival("gamma:5", 0); });
  for (const auto* expected :
       {"'gamma'", "jitter:RATE[,spread=S]", "poisson:RATE", "trace:FILE[,gaps]", "onoff:RATE,ON_S,OFF_S"}) {
    EXPECT_NE(message.find(expected), std::string::npos) << message;
  }
}

TEST(ArrivalSpec, BadParametersAreUsageErrors) {
  for (const auto* spec :
       {"poisson:0", "poisson:-1", "poisson:abc", "poisson:", "poisson", "poisson:5,6", "jitter:inf",
        "jitter:100,spread=1", "jitter:100,spread=-0.1", "jitter:100,width=2", "jitter:100,spread=0.1,spread=0.2",
        "onoff:100,0,1", "onoff:100,1,-1", "onoff:100,1", "trace:", ""}) {
    SCOPED_TRACE(spec);
    EXPECT_THROW(make_arrival(spec, 0), UsageError);
  }
  const auto message = message_of<UsageError>([] { make_arrival("poisson:-2", 0); });
  EXPECT_NE(message.find("RATE '-2' must be a positive number"), std::string::npos) << message;
}

TEST(ArrivalSchedule, ByCountAndByDuration) {
  EXPECT_EQ(first_n("poisson:100", 3, 123).size(), 123U);
  auto process = make_arrival("poisson:100", 3);
  const auto within = arrival_schedule(*process, std::nullopt, 2.0);
  ASSERT_FALSE(within.empty());
  EXPECT_LT(within.back(), 2.0);
  const auto one_more = first_n("poisson:100", 3, std::ssize(within) + 1);
  EXPECT_GE(one_more.back(), 2.0);  // the next arrival falls at or after the duration
  auto constant = make_arrival("jitter:100,spread=0", 0);
  EXPECT_EQ(arrival_schedule(*constant, std::nullopt, 0.995).size(), 99U);
}

TEST(ArrivalSchedule, NeedsExactlyOnePositiveLimit) {
  auto process = make_arrival("poisson:10", 0);
  EXPECT_THROW(arrival_schedule(*process, 10, 1.0), UsageError);
  EXPECT_THROW(arrival_schedule(*process, std::nullopt, std::nullopt), UsageError);
  EXPECT_THROW(arrival_schedule(*process, 0, std::nullopt), UsageError);
  EXPECT_THROW(arrival_schedule(*process, -3, std::nullopt), UsageError);
  EXPECT_THROW(arrival_schedule(*process, std::nullopt, 0.0), UsageError);
  EXPECT_THROW(arrival_schedule(*process, std::nullopt, -1.0), UsageError);
}

}  // namespace
}  // namespace greenbatch::workload
