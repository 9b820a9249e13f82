// Shapiro–Wilk W and p by Royston's algorithm AS R94.
#include "greenbatch/stats/shapiro_wilk.h"

#include <boost/math/distributions/normal.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <vector>

#include "checks.h"
#include "greenbatch/core/error.h"

namespace greenbatch::stats {
namespace {

// Σ c[k]·x^k (AS 181.2 `poly`).
template <std::size_t N>
double poly(const std::array<double, N>& c, double x) {
  double result = 0.0;
  for (std::size_t k = N; k-- > 0;) result = result * x + c[k];
  return result;
}

// Royston's polynomial coefficients (AS R94).
constexpr std::array<double, 6> c1{0.0, 0.221157, -0.147981, -2.07119, 4.434685, -2.706056};
constexpr std::array<double, 6> c2{0.0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633};
constexpr std::array<double, 4> c3{0.544, -0.39978, 0.025054, -6.714e-4};
constexpr std::array<double, 4> c4{1.3822, -0.77857, 0.062767, -0.0020322};
constexpr std::array<double, 4> c5{-1.5861, -0.31082, -0.083751, 0.0038915};
constexpr std::array<double, 3> c6{-0.4803, -0.082676, 0.0030302};
constexpr std::array<double, 2> g{-2.273, 0.459};

// The n/2 coefficients a_1 ≥ … ≥ a_{n/2} > 0 for the upper half of the order statistics
// (a_{n+1−i} = a_i, a_i = −a_{n+1−i}); Σ over all n of a² is 1.
std::vector<double> coefficients(std::size_t n) {
  const std::size_t half = n / 2;
  std::vector<double> a(half);
  if (n == 3) {
    a[0] = std::numbers::sqrt2 / 2.0;
    return a;
  }
  const boost::math::normal standard;
  const double an = static_cast<double>(n);
  double summ2 = 0.0;
  for (std::size_t i = 0; i < half; ++i) {
    const double m = -boost::math::quantile(standard, (static_cast<double>(i + 1) - 0.375) / (an + 0.25));
    a[i] = m;
    summ2 += m * m;
  }
  summ2 *= 2.0;
  const double ssumm2 = std::sqrt(summ2);
  const double rsn = 1.0 / std::sqrt(an);
  const double a1 = poly(c1, rsn) + a[0] / ssumm2;
  std::size_t first_scaled = 1;
  double fac = 0.0;
  if (n > 5) {
    first_scaled = 2;
    const double a2 = a[1] / ssumm2 + poly(c2, rsn);
    fac = std::sqrt((summ2 - 2.0 * a[0] * a[0] - 2.0 * a[1] * a[1]) / (1.0 - 2.0 * a1 * a1 - 2.0 * a2 * a2));
    a[1] = a2;
  } else {
    fac = std::sqrt((summ2 - 2.0 * a[0] * a[0]) / (1.0 - 2.0 * a1 * a1));
  }
  a[0] = a1;
  for (std::size_t i = first_scaled; i < half; ++i) a[i] /= fac;
  return a;
}

}  // namespace

ShapiroWilk shapiro_wilk(std::span<const double> values) {
  detail::require_sample(values, 3, "the Shapiro-Wilk test");
  if (values.size() > 5000) throw InputError("the Shapiro-Wilk test (AS R94) is valid for at most 5000 observations");
  std::vector<double> x(values.begin(), values.end());
  std::sort(x.begin(), x.end());
  const std::size_t n = x.size();
  const double range = x.back() - x.front();
  if (!(range > 0.0)) throw InputError("the Shapiro-Wilk test needs observations that are not all equal");
  const std::vector<double> a = coefficients(n);

  // W as the squared correlation of the range-scaled order statistics with the full coefficient
  // vector (−a_1, …, −a_{n/2}, [0,] a_{n/2}, …, a_1), computed as 1 − W to keep precision near 1.
  const auto coefficient = [&](std::size_t i) {
    const std::size_t j = n - 1 - i;
    if (i == j) return 0.0;
    return i < j ? -a[i] : a[j];
  };
  double mean_a = 0.0, mean_x = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    mean_a += coefficient(i);
    mean_x += x[i] / range;
  }
  mean_a /= static_cast<double>(n);
  mean_x /= static_cast<double>(n);
  double ssa = 0.0, ssx = 0.0, sax = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double da = coefficient(i) - mean_a;
    const double dx = x[i] / range - mean_x;
    ssa += da * da;
    ssx += dx * dx;
    sax += da * dx;
  }
  const double ssassx = std::sqrt(ssa * ssx);
  const double w1 = (ssassx - sax) * (ssassx + sax) / (ssa * ssx);
  const double w = 1.0 - w1;

  if (n == 3) {  // exact: p = (6/π)(asin √W − asin √(3/4))
    const double p = 6.0 / std::numbers::pi * (std::asin(std::sqrt(w)) - std::numbers::pi / 3.0);
    return ShapiroWilk{w, std::max(p, 0.0)};
  }
  const double an = static_cast<double>(n);
  double y = std::log(w1);
  double m = 0.0, s = 0.0;
  if (n <= 11) {
    const double gamma = poly(g, an);
    if (y >= gamma) return ShapiroWilk{w, 1e-99};  // W so small that the transformation breaks down
    y = -std::log(gamma - y);
    m = poly(c3, an);
    s = std::exp(poly(c4, an));
  } else {
    const double log_n = std::log(an);
    m = poly(c5, log_n);
    s = std::exp(poly(c6, log_n));
  }
  return ShapiroWilk{w, boost::math::cdf(boost::math::complement(boost::math::normal(m, s), y))};
}

}  // namespace greenbatch::stats
