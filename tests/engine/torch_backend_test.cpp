// The LibTorch backend: output shape, seeded random weights, weights files, model files, devices.
#include <gtest/gtest.h>
#include <torch/script.h>
#include <torch/torch.h>

#include "engine/random_batch.h"
#include "engine/torchscript_writer.h"
#include "engine/zoo/zoo_net.h"
#include "greenbatch/core/error.h"
#include "greenbatch/engine/torch_backend.h"
#include "support/temp_dir.h"

namespace greenbatch::engine {
namespace {

using greenbatch::testing::random_batch;

TorchOptions small_model(std::uint64_t seed) {
  TorchOptions options;
  options.zoo_model = "squeezenet1_1";
  options.seed = seed;
  options.threads = 1;
  return options;
}

TEST(TorchBackend, OutputIsBatchBy1000AndDescribesItself) {
  const auto backend = make_torch_backend(small_model(1));
  const auto scores = backend->run(random_batch(*backend, 3));
  EXPECT_EQ(scores.rows, 3);
  EXPECT_EQ(scores.classes, 1000);
  EXPECT_EQ(scores.values.size(), 3000U);
  const auto info = backend->info();
  EXPECT_EQ(info.kind, "torch");
  EXPECT_EQ(info.device, "cpu");
  EXPECT_EQ(info.threads, 1);
  EXPECT_EQ(info.weights, "random(seed=1)");
  EXPECT_FALSE(info.library_version.empty());
  EXPECT_EQ(backend->input_shape(), (InputShape{3, 224, 224}));
}

// squeezenet1_1 has 0.70 GFLOP per image: with idle threads sleeping at once (as the CLI sets
// them), a batch of 1 is under the 1.3 GFLOP threshold and runs on one OpenMP thread, a batch of 2
// on all of --threads. --no-optimize, or threads that spin before sleeping, keep every batch on all.
TEST(TorchBackend, SmallBatchesRunOnOneThreadWhenIdleThreadsSleep) {
  ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  ::unsetenv("GOMP_SPINCOUNT");
  auto options = small_model(1);
  options.threads = 2;
  const auto backend = make_torch_backend(options);
  backend->run_discard(random_batch(*backend, 1));
  EXPECT_EQ(at::get_num_threads(), 1);
  backend->run_discard(random_batch(*backend, 2));
  EXPECT_EQ(at::get_num_threads(), 2);
  backend->run_discard(random_batch(*backend, 1));
  EXPECT_EQ(at::get_num_threads(), 1);

  options.optimize = false;
  const auto plain = make_torch_backend(options);
  plain->run_discard(random_batch(*plain, 1));
  EXPECT_EQ(at::get_num_threads(), 2);

  options.optimize = true;
  ::setenv("GOMP_SPINCOUNT", "1000", 1);
  const auto spinning = make_torch_backend(options);
  spinning->run_discard(random_batch(*spinning, 1));
  EXPECT_EQ(at::get_num_threads(), 2);
  ::unsetenv("GOMP_SPINCOUNT");
  ::unsetenv("OMP_WAIT_POLICY");
}

TEST(TorchBackend, RandomWeightsAreSeeded) {
  const auto a = make_torch_backend(small_model(5));
  const auto b = make_torch_backend(small_model(5));
  const auto c = make_torch_backend(small_model(6));
  const auto batch = random_batch(*a, 1);
  EXPECT_EQ(a->run(batch).values, b->run(batch).values);
  EXPECT_NE(a->run(batch).values, c->run(batch).values);
}

TEST(TorchBackend, WeightsFileRoundTrip) {
  testing::TempDir dir("backend-weights");
  torch::manual_seed(42);
  const auto source = zoo::build_zoo_net("squeezenet1_1");
  const auto file = dir.path() / "squeezenet.pt";
  testing::save_as_torchscript(*source, file);

  auto options = small_model(42);
  const auto reference = make_torch_backend(options);  // same seed, so the same weights as `source`
  options.seed = 999;
  options.weights = file;
  const auto loaded = make_torch_backend(options);
  EXPECT_EQ(loaded->info().weights, file.string());
  const auto batch = random_batch(*loaded, 2);
  EXPECT_EQ(loaded->run(batch).values, reference->run(batch).values);
}

TEST(TorchBackend, UnknownModelListsValidNames) {
  TorchOptions options;
  options.zoo_model = "resnet5";
  try {
    (void)make_torch_backend(options);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("resnet50"), std::string::npos) << e.what();
  }
}

TEST(TorchBackend, ModelFileRunsAnyTorchScriptModule) {
  testing::TempDir dir("model-file");
  torch::jit::Module module("__torch__.Tiny");
  module.register_parameter("w", torch::ones({3, 10}), false);
  module.define(R"(
def forward(self, x):
    return torch.mean(x, [2, 3]).matmul(self.w)
)");
  const auto file = dir.path() / "tiny.pt";
  module.save(file.string());

  TorchOptions options;
  options.model_file = file;
  options.crop = 32;
  options.resize = 40;
  options.threads = 1;
  const auto backend = make_torch_backend(options);
  EXPECT_EQ(backend->input_shape(), (InputShape{3, 32, 32}));
  EXPECT_EQ(backend->preprocessing().resize, 40);
  auto batch = ImageBatch::zeros(2, backend->input_shape());
  std::fill(batch.data.begin(), batch.data.end(), 0.5F);
  const auto scores = backend->run(batch);
  EXPECT_EQ(scores.rows, 2);
  EXPECT_EQ(scores.classes, 10);
  EXPECT_FLOAT_EQ(scores.values[0], 1.5F);  // three channels of mean 0.5, weights 1
}

TEST(TorchBackend, MissingModelFileIsNamed) {
  TorchOptions options;
  options.model_file = "/nonexistent/model.pt";
  EXPECT_THROW((void)make_torch_backend(options), InputError);
}

TEST(TorchBackend, CudaRequestWithoutCudaBuildIsUnsupported) {
  if (torch_has_cuda()) GTEST_SKIP() << "this LibTorch has CUDA; the gpu-labelled tests cover it";
  auto options = small_model(1);
  options.device = parse_device("cuda");
  try {
    (void)make_torch_backend(options);
    FAIL() << "expected UnsupportedError";
  } catch (const UnsupportedError& e) {
    EXPECT_NE(std::string(e.what()).find("has no CUDA"), std::string::npos) << e.what();
  }
}

TEST(TorchBackend, ParsesDevices) {
  EXPECT_FALSE(parse_device("cpu").cuda);
  EXPECT_EQ(parse_device("cuda:1").index, 1);
  EXPECT_THROW(parse_device("gpu"), UsageError);
  EXPECT_THROW(parse_device("cuda:x"), UsageError);
  EXPECT_GE(available_cores(), 1);
}

}  // namespace
}  // namespace greenbatch::engine
