// Inoue's (2021) bound for greedy batching: its formula, its conditions, and the simulator under it.
#include "greenbatch/sim/analytic.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "greenbatch/core/error.h"
#include "greenbatch/sim/simulator.h"
#include "sim/sample_stats.h"

namespace greenbatch::sim {
namespace {

// The mean latency bound written the way it is derived (eq. 36 with a lower bound on the mean
// batch size E[B]): E[W] <= α + τ0 + (1 + 2ρ) λ (α² + 2ατ0 + τ0²/E[B]) / (2(1 − ρ²)), ρ = λα.
double via_mean_batch(double l, double a, double t, double mean_batch_lower) {
  const double rho = l * a;
  return a + t + (1 + 2 * rho) * l * (a * a + 2 * a * t + t * t / mean_batch_lower) / (2 * (1 - rho * rho));
}

TEST(InoueBound, MatchesItsDerivationFromTheMeanBatchSize) {
  for (const double rho : {0.05, 0.3, 0.6, 0.95}) {
    const double a = 1e-3, t = 2e-3, l = rho / a;
    const auto bound = inoue_bound(l, a, t);
    EXPECT_NEAR(bound.phi0_s, via_mean_batch(l, a, t, 1.0), 1e-12) << rho;                // E[B] >= 1
    EXPECT_NEAR(bound.phi1_s, via_mean_batch(l, a, t, l * t / (1 - rho)), 1e-12) << rho;  // E[B] >= λτ0/(1−ρ)
  }
  // A hand-computed point: α = 1 ms, τ0 = 2 ms, λ = 500/s: φ0 = 9 ms, φ1 = 6 + 5/3 ms.
  const auto bound = inoue_bound(500.0, 1e-3, 2e-3);
  EXPECT_NEAR(bound.phi0_s, 9e-3, 1e-15);
  EXPECT_NEAR(bound.phi1_s, 6e-3 + 5e-3 / 3, 1e-15);
  EXPECT_NEAR(bound.bound_s(), 6e-3 + 5e-3 / 3, 1e-15);
}

TEST(InoueBound, LightLoadIsOneBatchOfOne) {
  const auto bound = inoue_bound(1e-6, 1e-3, 2e-3);
  EXPECT_NEAR(bound.bound_s(), 3e-3, 1e-9);
}

TEST(InoueBound, UnstableAtLambdaAlphaOneOrMore) {
  try {
    (void)inoue_bound(1000.0, 1e-3, 2e-3);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("1/alpha = 1000 requests/s"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)inoue_bound(10.0, 0.0, 2e-3), InputError);
  EXPECT_THROW((void)inoue_bound(10.0, 1e-3, -1e-3), InputError);
}

TEST(LinearFit, RecoversALineAndKeepsTau0NonNegative) {
  const std::vector<double> sizes{1, 2, 4, 8};
  std::vector<double> means;
  for (const double b : sizes) means.push_back((1.0 * b + 2.0) / 1e3);
  const auto fit = fit_linear(sizes, means);
  EXPECT_NEAR(fit.alpha_s, 1e-3, 1e-15);
  EXPECT_NEAR(fit.tau0_s, 2e-3, 1e-15);
  EXPECT_NEAR(fit.r2, 1.0, 1e-12);
  // A free fit through these would give tau0 < 0; the constrained one goes through the origin.
  const std::vector<double> steep{0.5e-3, 2.0e-3, 4.5e-3, 9.5e-3};
  const auto origin = fit_linear(sizes, steep);
  EXPECT_EQ(origin.tau0_s, 0.0);
  EXPECT_NEAR(origin.alpha_s, (0.5 + 4.0 + 18.0 + 76.0) / 85.0 / 1e3, 1e-15);
  EXPECT_THROW((void)fit_linear(std::vector<double>{4, 4}, std::vector<double>{1e-3, 2e-3}), InputError);
  EXPECT_THROW((void)fit_linear(sizes, std::vector<double>{3e-3, 3e-3, 3e-3, 3e-3}), InputError);
}

// Simulated greedy batching (no cap reached) under Poisson arrivals: mean response time and its
// standard error from 20 batch means over 200 000 requests.
std::pair<double, double> simulated_mean_latency(double alpha_ms, double tau0_ms, double lambda) {
  const auto policy = batching::make_policy("greedy:4096");
  const auto service = ServiceModel::linear(alpha_ms, tau0_ms, 4096);
  const auto arrival = workload::make_arrival(fmt::format("poisson:{}", lambda), 11);
  const auto result = simulate(*policy, service, *arrival, 200'000, std::nullopt, {.queue_capacity = 200'000});
  for (const auto& b : result.record.batches) EXPECT_LT(b.size, 4096);  // the model has no maximum
  std::vector<double> latency;
  for (const auto& r : result.record.requests) latency.push_back(*r.completion_s - r.arrival_s);
  return testing::batch_means(latency, 20);
}

// Theorem 2 holds at every load: the simulated mean stays under min(φ0, φ1) (allowing 4 standard
// errors of simulation noise), for the synthetic backend of the e2e tests (α = 1, τ0 = 2 ms) and
// for the paper's Tesla V100 fit (α = 0.1438, τ0 = 1.8874 ms, Section 3.3).
TEST(InoueBound, SimulatedGreedyMeanLatencyStaysUnderIt) {
  for (const auto& [a_ms, t_ms] : {std::pair{1.0, 2.0}, std::pair{0.1438, 1.8874}}) {
    for (const double rho : {0.02, 0.1, 0.3, 0.5, 0.7, 0.9}) {
      const double lambda = rho / (a_ms / 1e3);
      const auto [mean, se] = simulated_mean_latency(a_ms, t_ms, lambda);
      const double bound = inoue_bound(lambda, a_ms / 1e3, t_ms / 1e3).bound_s();
      EXPECT_LE(mean, bound + 4 * se) << fmt::format("alpha {} tau0 {} rho {}", a_ms, t_ms, rho);
    }
  }
}

// Where the paper finds the bound tight: φ0 near zero load (E[B] -> 1), and φ1 from moderate load
// up, where the server almost never idles (π0 -> 0; the paper's Fig. 4 for the V100 fit shows
// bound and exact mean latency on top of each other from ρ = 0.5). Here: within 1% plus 4 SE.
TEST(InoueBound, TightAtLightLoadAndFromModerateLoadUp) {
  const double a_ms = 0.1438, t_ms = 1.8874;
  for (const double rho : {0.002, 0.5, 0.7, 0.9}) {
    const double lambda = rho / (a_ms / 1e3);
    const auto [mean, se] = simulated_mean_latency(a_ms, t_ms, lambda);
    const double bound = inoue_bound(lambda, a_ms / 1e3, t_ms / 1e3).bound_s();
    EXPECT_NEAR(mean, bound, 0.01 * bound + 4 * se) << "rho " << rho;
  }
}

}  // namespace
}  // namespace greenbatch::sim
