#pragma once
/// Analytic queueing models to set beside the simulator: Inoue's closed-form bound on the mean
/// latency of greedy dynamic batching, and the linear service-time fit it needs.
///
/// Y. Inoue, "Queueing analysis of GPU-based inference servers with dynamic batching: a
/// closed-form characterization", Performance Evaluation 147 (2021) 102183, arXiv:1912.06322.
/// Model: Poisson arrivals of rate λ, one server, no maximum batch size; whenever the server is
/// free it takes every waiting request as one batch (greedy); a batch of b takes exactly
/// τ(b) = α·b + τ0 (Assumption 4). Stable iff λα < 1 (eq. 27).

#include <span>

namespace greenbatch::sim {

/// τ(b) = alpha_s·b + tau0_s fitted to measured mean service times.
struct LinearFit {
  double alpha_s = 0.0;  ///< seconds per request in a batch
  double tau0_s = 0.0;   ///< fixed seconds per batch (>= 0)
  double r2 = 0.0;       ///< coefficient of determination of the fit (1 when exact)
};

/// Least squares over (batch size, mean service time s) pairs with τ0 constrained to >= 0 (when
/// the free fit gives τ0 < 0, the constrained optimum is the line through the origin). Throws
/// InputError with fewer than two distinct sizes or a non-increasing fit (α <= 0).
LinearFit fit_linear(std::span<const double> batch_sizes, std::span<const double> mean_s);

/// Inoue's Theorem 2 upper bounds on the mean latency E[W] (arrival to completion), s.
struct InoueBound {
  double phi0_s = 0.0;  ///< eq. (41): from E[B] >= 1; tight at light load
  double phi1_s = 0.0;  ///< eq. (42): from an idle probability of 0; tight from moderate load up
  /// E[W] <= min(φ0, φ1).
  [[nodiscard]] double bound_s() const { return phi0_s < phi1_s ? phi0_s : phi1_s; }
};

/// The bound at arrival rate `lambda_rps` for τ(b) = alpha_s·b + tau0_s. Throws InputError when
/// λα >= 1 (unstable; the message gives 1/α, the largest stable rate) or an input is negative.
InoueBound inoue_bound(double lambda_rps, double alpha_s, double tau0_s);

}  // namespace greenbatch::sim
