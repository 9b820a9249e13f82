#pragma once
/// Internal to engine: counts the FLOPs of the torch operators run on this thread.

#include <cstdint>

namespace greenbatch::engine {

/// While alive, sums 2 x multiply-accumulates of every aten::convolution, mm, addmm,
/// _addmm_activation, bmm and baddbmm executed on the constructing thread, computed from the
/// operands' shapes. Composite operators (conv2d, linear, matmul) are counted once, through
/// the kernels they call.
/// Not reentrant: one counter per thread at a time.
class FlopCounter {
 public:
  FlopCounter();
  ~FlopCounter();
  FlopCounter(const FlopCounter&) = delete;
  FlopCounter& operator=(const FlopCounter&) = delete;
  /// FLOPs counted so far.
  [[nodiscard]] double flops() const;

 private:
  std::uint64_t handle_;
};

}  // namespace greenbatch::engine
