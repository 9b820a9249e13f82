// The GPU list of the environment record, from fake NVIDIA driver trees.
#include "greenbatch/core/gpuinfo.h"

#include <gtest/gtest.h>

#include "support/fixture_tree.h"
#include "support/temp_dir.h"

namespace greenbatch {
namespace {

TEST(GpuInfo, ModelsInBusOrder) {
  const testing::TempDir proc("gpuinfo-two");
  const auto gpus = proc.path() / "driver" / "nvidia" / "gpus";
  testing::write_file(gpus / "0000:c1:00.0" / "information",
                      "Model: \t\t NVIDIA A100-SXM4-80GB\nIRQ:   180\nGPU UUID: \t GPU-2\n");
  testing::write_file(gpus / "0000:41:00.0" / "information", "Model: \t\t NVIDIA H200\nIRQ:   179\n");
  testing::write_file(gpus / "0000:81:00.0" / "information", "IRQ:   181\n");  // no model line: left out
  EXPECT_EQ(nvidia_gpu_models(proc.path()), (std::vector<std::string>{"NVIDIA H200", "NVIDIA A100-SXM4-80GB"}));
}

TEST(GpuInfo, NoDriverNoGpus) {
  const testing::TempDir proc("gpuinfo-none");
  EXPECT_TRUE(nvidia_gpu_models(proc.path()).empty());
}

}  // namespace
}  // namespace greenbatch
