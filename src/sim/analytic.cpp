// Inoue's (2021) closed-form bound for greedy batching, and the linear fit of service times.
#include "greenbatch/sim/analytic.h"

#include <fmt/format.h>

#include <set>

#include "greenbatch/core/error.h"

namespace greenbatch::sim {

LinearFit fit_linear(std::span<const double> batch_sizes, std::span<const double> mean_s) {
  const std::set<double> distinct(batch_sizes.begin(), batch_sizes.end());
  if (batch_sizes.size() != mean_s.size() || distinct.size() < 2) {
    throw InputError(
        "fitting tau(b) = alpha*b + tau0 needs mean service times at two or more batch sizes; profile "
        "more batch sizes (e.g. -b 1,2,4,8)");
  }
  const auto n = static_cast<double>(batch_sizes.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < batch_sizes.size(); ++i) {
    sx += batch_sizes[i];
    sy += mean_s[i];
    sxx += batch_sizes[i] * batch_sizes[i];
    sxy += batch_sizes[i] * mean_s[i];
  }
  LinearFit fit;
  fit.alpha_s = (sxy - sx * sy / n) / (sxx - sx * sx / n);
  fit.tau0_s = (sy - fit.alpha_s * sx) / n;
  if (fit.tau0_s < 0.0) fit = {sxy / sxx, 0.0, 0.0};  // the constraint tau0 >= 0 is active
  if (!(fit.alpha_s > 0.0)) {
    throw InputError(
        fmt::format("the profile's mean service time does not grow with the batch size (fitted alpha "
                    "= {:.4g} ms per request); Inoue's model needs alpha > 0",
                    fit.alpha_s * 1e3));
  }
  double residual = 0, total = 0;
  for (std::size_t i = 0; i < batch_sizes.size(); ++i) {
    const double e = mean_s[i] - (fit.alpha_s * batch_sizes[i] + fit.tau0_s);
    residual += e * e;
    total += (mean_s[i] - sy / n) * (mean_s[i] - sy / n);
  }
  fit.r2 = total > 0.0 ? 1.0 - residual / total : 1.0;
  return fit;
}

InoueBound inoue_bound(double lambda_rps, double alpha_s, double tau0_s) {
  if (!(lambda_rps >= 0.0) || !(alpha_s > 0.0) || !(tau0_s >= 0.0)) {
    throw InputError(
        fmt::format("Inoue's bound needs lambda >= 0, alpha > 0 and tau0 >= 0, not lambda = {:g}/s, "
                    "alpha = {:g} s, tau0 = {:g} s",
                    lambda_rps, alpha_s, tau0_s));
  }
  const double l = lambda_rps, a = alpha_s, t = tau0_s;
  const double rho = l * a;
  if (rho >= 1.0) {
    throw InputError(
        fmt::format("Inoue's model is unstable at {:g} requests/s: lambda*alpha = {:.4g} >= 1 (eq. 27); "
                    "greedy batching sustains at most 1/alpha = {:.6g} requests/s",
                    l, rho, 1.0 / a));
  }
  // Theorem 2. Both bounds come from the exact mean latency (eq. 36)
  //   E[W] = α + τ0 + (1 + 2λα)(E[B²] − E[B]) / (2λ E[B]),  B the size of a processed batch,
  // which, with E[B²] − E[B] = λ² E[τ(B)²] for deterministic τ(b) = αb + τ0, decreases in E[B];
  // so any lower bound on E[B] bounds E[W] from above: E[B] >= 1 gives φ0, and
  // E[B] = (λτ0 + π0)/(1 − λα) >= λτ0/(1 − λα) gives φ1 (π0 >= 0: the probability that no request
  // arrived during a batch, so the server idles after it).
  InoueBound bound;
  bound.phi0_s = (a + t) / (2.0 * (1.0 - rho)) * (1.0 + 2.0 * l * t + (1.0 - l * t) / (1.0 + rho));  // eq. (41)
  bound.phi1_s = 1.5 * t / (1.0 - rho) + (a / 2.0) * (rho + 2.0) / (1.0 - rho * rho);                // eq. (42)
  return bound;
}

}  // namespace greenbatch::sim
