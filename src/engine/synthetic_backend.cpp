// The synthetic backend: a batch of b images takes alpha * b + tau0 milliseconds.
#include "greenbatch/engine/synthetic_backend.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "greenbatch/core/error.h"
#include "greenbatch/core/number.h"

namespace greenbatch::engine {
namespace {

constexpr std::string_view kPrefix = "synthetic:";
constexpr std::string_view kUsage = "expected synthetic:alpha=MS,tau0=MS[,mode=spin|sleep]";

double parse_ms(std::string_view key, std::string_view value, const std::string& text) {
  if (const auto ms = to_real(value); ms && *ms >= 0.0 && *ms <= 1e7) return *ms;
  throw UsageError(fmt::format("backend '{}': {} must be a number of milliseconds between 0 and 1e7, got '{}'; {}",
                               text, key, value, kUsage));
}

class SyntheticBackend final : public Backend {
 public:
  explicit SyntheticBackend(const SyntheticSpec& spec) : spec_(spec) {}

  [[nodiscard]] BackendInfo info() const override {
    return BackendInfo{"synthetic", to_string(spec_), "cpu", 1, "greenbatch", "", "none", "fp32", false};
  }
  [[nodiscard]] Preprocessing preprocessing() const override { return Preprocessing{}; }
  [[nodiscard]] InputShape input_shape() const override { return InputShape{}; }
  void warm_up(int /*batch_size*/, int /*iterations*/) override {}
  [[nodiscard]] std::optional<double> flops_per_image() override { return std::nullopt; }
  Scores run(const ImageBatch& batch) override {
    run_discard(batch);
    return Scores{batch.size, 0, {}};
  }
  void run_discard(const ImageBatch& batch) override {
    const auto busy = std::chrono::duration<double, std::milli>(batch_ms(spec_, batch.size));
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::nanoseconds>(busy);
    if (spec_.mode == SyntheticMode::sleep) {
      std::this_thread::sleep_until(until);
      return;
    }
    while (std::chrono::steady_clock::now() < until) {
      // spin: a real CPU load for energy meters to see
    }
  }

 private:
  SyntheticSpec spec_;
};

}  // namespace

double batch_ms(const SyntheticSpec& spec, int size) { return spec.alpha_ms * size + spec.tau0_ms; }

SyntheticSpec parse_synthetic_spec(const std::string& text) {
  std::string_view rest = text;
  if (rest.starts_with(kPrefix)) rest.remove_prefix(kPrefix.size());
  SyntheticSpec spec;
  bool has_alpha = false;
  std::vector<std::string_view> seen;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const auto part = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    const auto eq = part.find('=');
    if (eq == std::string_view::npos) {
      throw UsageError(fmt::format("backend '{}': '{}' is not KEY=VALUE; {}", text, part, kUsage));
    }
    const auto key = part.substr(0, eq);
    const auto value = part.substr(eq + 1);
    if (std::ranges::find(seen, key) != seen.end()) {
      throw UsageError(fmt::format("backend '{}': {} is given twice; give each key once", text, key));
    }
    seen.push_back(key);
    if (key == "alpha") {
      spec.alpha_ms = parse_ms(key, value, text);
      has_alpha = true;
    } else if (key == "tau0") {
      spec.tau0_ms = parse_ms(key, value, text);
    } else if (key == "mode" && (value == "spin" || value == "sleep")) {
      spec.mode = value == "spin" ? SyntheticMode::spin : SyntheticMode::sleep;
    } else if (key == "mode") {
      throw UsageError(fmt::format("backend '{}': mode must be spin or sleep, got '{}'", text, value));
    } else {
      throw UsageError(fmt::format("backend '{}': unknown key '{}'; {}", text, key, kUsage));
    }
  }
  if (!has_alpha) throw UsageError(fmt::format("backend '{}': alpha is required; {}", text, kUsage));
  return spec;
}

std::string to_string(const SyntheticSpec& spec) {
  return fmt::format("synthetic:alpha={},tau0={},mode={}", spec.alpha_ms, spec.tau0_ms,
                     spec.mode == SyntheticMode::spin ? "spin" : "sleep");
}

std::unique_ptr<Backend> make_synthetic_backend(const SyntheticSpec& spec) {
  return std::make_unique<SyntheticBackend>(spec);
}

}  // namespace greenbatch::engine
