// The simulator's service model: the linear test double, measured draws, interpolation, errors.
#include "greenbatch/sim/service_model.h"

#include <gtest/gtest.h>

#include <map>

#include "greenbatch/core/error.h"
#include "sim/profile_cells.h"

namespace greenbatch::sim {
namespace {

using testing::cell;
using testing::document;
using testing::with_gaps;

std::string error_of(const profile::ProfileDocument& doc, const std::string& model, std::size_t max_batch,
                     ServiceOptions options) {
  try {
    (void)ServiceModel::from_profile(doc, model, max_batch, options);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ServiceModel, LinearIsAlphaTimesBPlusTau0Always) {
  const auto m = ServiceModel::linear(1.0, 2.0, 8);
  EXPECT_EQ(m.max_batch(), 8u);
  std::mt19937_64 rng(1);
  for (std::size_t b = 1; b <= 8; ++b) {
    EXPECT_DOUBLE_EQ(m.mean_s(b), (1.0 * static_cast<double>(b) + 2.0) / 1e3);
    EXPECT_EQ(m.draw_s(b, rng), m.mean_s(b));
    EXPECT_FALSE(m.energy_j(b));
  }
  EXPECT_EQ(m.identity().model, "synthetic:alpha=1,tau0=2");
  EXPECT_EQ(m.energy_source(), "none");
  EXPECT_TRUE(m.interpolated_sizes().empty());
}

TEST(ServiceModel, DrawsAreTheMeasuredLatenciesAndRepeatWithTheSeed) {
  const auto doc = document({cell(1, {4.0, 1.0, 3.0, 2.0})});
  const auto m = ServiceModel::from_profile(doc, "", 1, {});
  EXPECT_DOUBLE_EQ(m.mean_s(1), 2.5e-3);
  std::mt19937_64 rng(7), again(7);
  std::map<double, int> counts;
  for (int i = 0; i < 40000; ++i) {
    const double s = m.draw_s(1, rng);
    EXPECT_EQ(s, m.draw_s(1, again));
    ++counts[s];
  }
  ASSERT_EQ(counts.size(), 4u);  // exactly the four samples, in seconds
  for (const auto& [value, n] : counts) {
    EXPECT_TRUE(value == 1e-3 || value == 2e-3 || value == 3e-3 || value == 4e-3) << value;
    EXPECT_NEAR(n, 10000, 400) << value;  // binomial sd ~87: over 4 sd
  }
}

TEST(ServiceModel, DeterministicTakesTheMean) {
  const auto doc = document({cell(1, {1.0, 5.0})});
  const auto m = ServiceModel::from_profile(doc, "", 1, {.deterministic = true});
  std::mt19937_64 rng(1);
  EXPECT_DOUBLE_EQ(m.draw_s(1, rng), 3e-3);
}

TEST(ServiceModel, MissingBatchSizeNamesItTheMeasuredSizesAndTheFix) {
  const auto doc = document({cell(1, {1.0}), cell(2, {2.0}), cell(4, {4.0}), cell(8, {8.0})});
  const auto message = error_of(doc, "", 8, {});
  EXPECT_NE(message.find("no cell at batch size 3, 5..7"), std::string::npos) << message;
  EXPECT_NE(message.find("it measured 1, 2, 4, 8"), std::string::npos) << message;
  EXPECT_NE(message.find("--interpolate"), std::string::npos) << message;
  EXPECT_NO_THROW((void)ServiceModel::from_profile(doc, "", 2, {}));  // 1 and 2 are measured
}

TEST(ServiceModel, InterpolationIsLinearBetweenNeighboursAndFlagged) {
  auto doc = document({cell(2, {2.0, 4.0}, 1.0), cell(6, {6.0, 8.0}, 3.0), cell(1, {1.0}, 0.5)}, "rapl", 10.0);
  doc.cells[0].dynamic_energy_per_batch_j = 0.5;
  doc.cells[1].dynamic_energy_per_batch_j = 1.5;
  const auto m = ServiceModel::from_profile(doc, "", 6, {.interpolate = true});
  EXPECT_EQ(m.interpolated_sizes(), (std::vector<std::size_t>{3, 4, 5}));
  EXPECT_DOUBLE_EQ(m.mean_s(4), 5e-3);  // halfway between 3 ms and 7 ms
  EXPECT_DOUBLE_EQ(m.mean_s(3), 4e-3);
  EXPECT_DOUBLE_EQ(*m.energy_j(5), 2.5);  // three quarters from 1 J to 3 J
  EXPECT_DOUBLE_EQ(*m.dynamic_energy_j(5), 1.25);
  EXPECT_DOUBLE_EQ(*m.dynamic_energy_j(2), 0.5);
  EXPECT_FALSE(m.dynamic_energy_j(1));  // not measured at size 1
  EXPECT_EQ(m.idle_power_w(), 10.0);
  EXPECT_EQ(m.energy_source(), "rapl");
  // Draws mix the neighbours' quantiles: the low samples pair (2 with 6), the high ones (4 with 8).
  std::mt19937_64 rng(3);
  for (int i = 0; i < 100; ++i) {
    const double s = m.draw_s(4, rng);
    EXPECT_TRUE(std::abs(s - 4e-3) < 1e-15 || std::abs(s - 6e-3) < 1e-15) << s;
  }
}

TEST(ServiceModel, InterpolationNeverExtrapolates) {
  const auto doc = document({cell(2, {2.0}), cell(4, {4.0})});
  EXPECT_NE(error_of(doc, "", 4, {.interpolate = true}).find("no cell at batch size 1"), std::string::npos);
  const auto message = error_of(doc, "", 6, {.interpolate = true});
  EXPECT_NE(message.find("5, 6"), std::string::npos) << message;
  EXPECT_NE(message.find("never extrapolates"), std::string::npos) << message;
}

TEST(ServiceModel, SeveralModelsNeedAChoice) {
  const auto doc = document({cell(1, {1.0}, {}, "resnet18"), cell(1, {5.0}, {}, "vgg16")});
  const auto message = error_of(doc, "", 1, {});
  EXPECT_NE(message.find("several models (resnet18, vgg16)"), std::string::npos) << message;
  EXPECT_DOUBLE_EQ(ServiceModel::from_profile(doc, "vgg16", 1, {}).mean_s(1), 5e-3);
  EXPECT_NE(error_of(doc, "alexnet", 1, {}).find("no cells of model 'alexnet'"), std::string::npos);
}

TEST(ServiceModel, IdleTimeIsReadBetweenMeasuredGapsAndHeldPastTheLargest) {
  // Back to back 10 ms and 1 J; after 20 ms idle 30 ms and 2 J; after 100 ms idle 50 ms and 4 J.
  const auto doc = document({with_gaps(cell(1, {10.0}, 1.0), {{20.0, {30.0}, 2.0}, {100.0, {50.0}, 4.0}})}, "rapl",
                            5.0);
  const auto m = ServiceModel::from_profile(doc, "", 1, {});
  EXPECT_TRUE(m.has_idle_gaps());
  EXPECT_TRUE(m.notes().empty());
  std::mt19937_64 rng(3);
  const std::vector<std::pair<double, double>> idle_to_ms{{0.0, 10.0},   {0.010, 20.0}, {0.020, 30.0},
                                                          {0.060, 40.0}, {0.100, 50.0}, {5.0, 50.0}};
  for (const auto& [idle_s, ms] : idle_to_ms) {
    EXPECT_NEAR(m.draw_s(1, rng, idle_s), ms / 1e3, 1e-12) << idle_s;
  }
  EXPECT_NEAR(*m.energy_j(1, 0.010), 1.5, 1e-12);
  EXPECT_NEAR(*m.energy_j(1, 0.060), 3.0, 1e-12);
  EXPECT_NEAR(*m.energy_j(1, 5.0), 4.0, 1e-12);
  EXPECT_DOUBLE_EQ(m.mean_s(1), 10e-3) << "sustained load sees back-to-back batches";
  EXPECT_FALSE(m.gap_beyond_measured(1, 0.100));
  EXPECT_TRUE(m.gap_beyond_measured(1, 0.101)) << "held, not extrapolated, and said so";
}

TEST(ServiceModel, OneUniformReadsEveryGapsQuantiles) {
  // After 20 ms idle every batch is exactly 20 ms slower: the same uniform picks the same rank.
  const auto doc = document({with_gaps(cell(1, {1.0, 2.0, 3.0, 4.0}), {{20.0, {21.0, 22.0, 24.0, 23.0}, {}}})});
  const auto m = ServiceModel::from_profile(doc, "", 1, {});
  std::mt19937_64 back_to_back(11), after_gap(11), half(11);
  for (int i = 0; i < 1000; ++i) {
    const double warm = m.draw_s(1, back_to_back);
    EXPECT_NEAR(m.draw_s(1, after_gap, 0.020), warm + 0.020, 1e-12);
    EXPECT_NEAR(m.draw_s(1, half, 0.010), warm + 0.010, 1e-12);
  }
  EXPECT_FALSE(m.energy_j(1, 0.020)) << "no energy measured, none invented";
}

TEST(ServiceModel, WithoutIdleGapsEveryIdleTimeGivesTodaysDrawsAndTheModelSaysSo) {
  const auto doc = document({cell(1, {1.0, 5.0, 9.0}, 0.5)});
  const auto m = ServiceModel::from_profile(doc, "", 1, {});
  EXPECT_FALSE(m.has_idle_gaps());
  ASSERT_EQ(m.notes().size(), 1U);
  EXPECT_NE(m.notes()[0].find("no idle-gap cells"), std::string::npos) << m.notes()[0];
  std::mt19937_64 a(5), b(5);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(m.draw_s(1, a, 0.001 * i), m.draw_s(1, b));
  EXPECT_EQ(m.energy_j(1, 3.0), 0.5);
  EXPECT_FALSE(m.gap_beyond_measured(1, 3.0));
  auto old = doc;
  old.version = 1;
  EXPECT_NE(ServiceModel::from_profile(old, "", 1, {}).notes()[0].find("version-1 document"), std::string::npos);
}

TEST(ServiceModel, InterpolatedSizesMixTheGapsBothNeighboursMeasured) {
  const auto doc = document({with_gaps(cell(1, {10.0}), {{20.0, {20.0}, {}}, {50.0, {25.0}, {}}}),
                             with_gaps(cell(3, {30.0}), {{20.0, {60.0}, {}}})});
  const auto m = ServiceModel::from_profile(doc, "", 3, {.interpolate = true});
  std::mt19937_64 rng(1);
  EXPECT_NEAR(m.draw_s(2, rng), 20e-3, 1e-12);
  EXPECT_NEAR(m.draw_s(2, rng, 0.020), 40e-3, 1e-12);  // halfway between 20 and 60 ms
  EXPECT_NEAR(m.draw_s(2, rng, 0.010), 30e-3, 1e-12);  // halfway between gap 0 and gap 20 ms
  EXPECT_TRUE(m.gap_beyond_measured(2, 0.030)) << "gap 50 ms was measured at size 1 only";
  EXPECT_NEAR(m.draw_s(1, rng, 0.035), 22.5e-3, 1e-12);
}

TEST(ServiceModel, DeterministicMixesTheGapMeans) {
  const auto doc = document({with_gaps(cell(1, {1.0, 3.0}), {{10.0, {5.0, 7.0}, {}}})});
  const auto m = ServiceModel::from_profile(doc, "", 1, {.deterministic = true});
  std::mt19937_64 rng(1);
  const auto before = rng;
  EXPECT_NEAR(m.draw_s(1, rng, 0.005), 4e-3, 1e-12);
  EXPECT_EQ(rng, before) << "deterministic draws take nothing from the generator";
}

}  // namespace
}  // namespace greenbatch::sim
