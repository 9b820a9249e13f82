// Seeded random arrival processes: jittered rate, Poisson and on/off bursts.
#include <cmath>
#include <random>

#include <fmt/format.h>

#include "processes.h"

namespace greenbatch::workload {
namespace {

// Uniform in [0, 1) from the top 53 bits of one draw. mt19937_64 is fully specified, and so is
// this mapping; the standard distributions (and generate_canonical's rounding) are not, so they
// could give other sequences on other standard libraries.
double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

// Exponential with mean 1/rate by inverse transform: -ln(1 - u) / rate, finite since u < 1.
double exponential(std::mt19937_64& rng, double rate) { return -std::log1p(-uniform01(rng)) / rate; }

class JitterArrival final : public ArrivalProcess {
 public:
  JitterArrival(double rate, double spread, std::uint64_t seed) : rate_(rate), spread_(spread), rng_(seed) {}

  std::optional<double> next() override {
    now_ += (1.0 + spread_ * (2.0 * uniform01(rng_) - 1.0)) / rate_;
    return now_;
  }
  [[nodiscard]] std::string spec() const override { return fmt::format("jitter:{},spread={}", rate_, spread_); }
  [[nodiscard]] ArrivalKind kind() const override { return ArrivalKind::jitter; }
  [[nodiscard]] std::optional<double> mean_rate() const override { return rate_; }

 private:
  double rate_;
  double spread_;
  std::mt19937_64 rng_;
  double now_ = 0.0;
};

class PoissonArrival final : public ArrivalProcess {
 public:
  PoissonArrival(double rate, std::uint64_t seed) : rate_(rate), rng_(seed) {}

  std::optional<double> next() override {
    now_ += exponential(rng_, rate_);
    return now_;
  }
  [[nodiscard]] std::string spec() const override { return fmt::format("poisson:{}", rate_); }
  [[nodiscard]] ArrivalKind kind() const override { return ArrivalKind::poisson; }
  [[nodiscard]] std::optional<double> mean_rate() const override { return rate_; }

 private:
  double rate_;
  std::mt19937_64 rng_;
  double now_ = 0.0;
};

// A Poisson process on "ON time" (the clock that runs only during ON periods), mapped onto the
// wall clock by inserting an OFF period after every ON_S seconds of ON time. Memorylessness
// makes this exactly Poisson within each ON period.
class OnOffArrival final : public ArrivalProcess {
 public:
  OnOffArrival(double rate, double on_s, double off_s, std::uint64_t seed)
      : rate_(rate), on_s_(on_s), off_s_(off_s), rng_(seed) {}

  std::optional<double> next() override {
    on_time_ += exponential(rng_, rate_);
    const double into_period = std::fmod(on_time_, on_s_);  // exact, in [0, on_s)
    const double periods = std::round((on_time_ - into_period) / on_s_);
    return periods * (on_s_ + off_s_) + into_period;
  }
  [[nodiscard]] std::string spec() const override { return fmt::format("onoff:{},{},{}", rate_, on_s_, off_s_); }
  [[nodiscard]] ArrivalKind kind() const override { return ArrivalKind::onoff; }
  [[nodiscard]] std::optional<double> mean_rate() const override { return rate_ * on_s_ / (on_s_ + off_s_); }

 private:
  double rate_;
  double on_s_;
  double off_s_;
  std::mt19937_64 rng_;
  double on_time_ = 0.0;
};

}  // namespace

std::unique_ptr<ArrivalProcess> make_jitter(double rate, double spread, std::uint64_t seed) {
  return std::make_unique<JitterArrival>(rate, spread, seed);
}

std::unique_ptr<ArrivalProcess> make_poisson(double rate, std::uint64_t seed) {
  return std::make_unique<PoissonArrival>(rate, seed);
}

std::unique_ptr<ArrivalProcess> make_onoff(double rate, double on_s, double off_s, std::uint64_t seed) {
  return std::make_unique<OnOffArrival>(rate, on_s, off_s, seed);
}

}  // namespace greenbatch::workload
