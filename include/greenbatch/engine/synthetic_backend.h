#pragma once
/// The synthetic backend: a batch of b images takes alpha*b + tau0. The test double for all
/// timing and batching logic, and the reference the simulator is validated against.

#include <memory>
#include <string>

#include "greenbatch/engine/backend.h"

namespace greenbatch::engine {

/// How a synthetic batch spends its time.
enum class SyntheticMode {
  spin,   ///< busy-wait: keeps one core fully loaded (real CPU energy)
  sleep,  ///< sleeps: no CPU load
};

/// Parameters of the synthetic backend.
struct SyntheticSpec {
  double alpha_ms = 1.0;                     ///< milliseconds per image
  double tau0_ms = 0.0;                      ///< fixed milliseconds per batch
  SyntheticMode mode = SyntheticMode::spin;  ///< spin or sleep
};

/// Parses "synthetic:alpha=MS,tau0=MS[,mode=spin|sleep]" (the "synthetic:" prefix is optional);
/// throws UsageError naming the bad part.
SyntheticSpec parse_synthetic_spec(const std::string& text);

/// The canonical text form of a spec ("synthetic:alpha=1,tau0=2,mode=spin").
std::string to_string(const SyntheticSpec& spec);

/// The time a batch of `size` images takes under `spec`: alpha*size + tau0 milliseconds.
double batch_ms(const SyntheticSpec& spec, int size);

/// Makes a synthetic backend; its nominal input is 3x224x224 (only the batch size is used).
std::unique_ptr<Backend> make_synthetic_backend(const SyntheticSpec& spec);

}  // namespace greenbatch::engine
