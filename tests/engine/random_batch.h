#pragma once
/// A batch of seeded random pixels for engine tests (the same values on every call).

#include <torch/torch.h>

#include <algorithm>
#include <cstdint>

#include "greenbatch/engine/backend.h"

namespace greenbatch::testing {

/// `n` images of `backend`'s input shape, filled from torch::randn with seed 3.
inline engine::ImageBatch random_batch(const engine::Backend& backend, int n) {
  auto batch = engine::ImageBatch::zeros(n, backend.input_shape());
  torch::manual_seed(3);
  const auto values = torch::randn({static_cast<std::int64_t>(batch.data.size())});
  std::copy_n(values.data_ptr<float>(), batch.data.size(), batch.data.begin());
  return batch;
}

}  // namespace greenbatch::testing
