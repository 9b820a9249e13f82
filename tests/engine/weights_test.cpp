// Copying weights from TorchScript files by name: round trip, mismatches, unreadable files.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>

#include "engine/torchscript_writer.h"
#include "engine/zoo/weights.h"
#include "greenbatch/core/error.h"
#include "support/temp_dir.h"

namespace greenbatch::engine {
namespace {

struct TinyImpl : torch::nn::Module {
  explicit TinyImpl(int out) {
    conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, out, 3)));
    bn = register_module("bn", torch::nn::BatchNorm2d(out));
  }
  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
};
TORCH_MODULE(Tiny);

std::string message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no InputError";
}

TEST(Weights, RoundTripCopiesEveryParameterAndBuffer) {
  testing::TempDir dir("weights-roundtrip");
  torch::manual_seed(1);
  Tiny source(4);
  torch::NoGradGuard no_grad;
  source->bn->running_mean.uniform_(-1, 1);
  const auto file = dir.path() / "tiny.pt";
  testing::save_as_torchscript(*source, file);

  torch::manual_seed(2);
  Tiny target(4);
  ASSERT_FALSE(target->conv->weight.equal(source->conv->weight));
  zoo::load_torchscript_weights(*target, file);
  EXPECT_TRUE(target->conv->weight.equal(source->conv->weight));
  EXPECT_TRUE(target->conv->bias.equal(source->conv->bias));
  EXPECT_TRUE(target->bn->running_mean.equal(source->bn->running_mean));
}

TEST(Weights, MismatchListsNamesAndShapesAndLeavesTheModelUntouched) {
  testing::TempDir dir("weights-mismatch");
  struct OtherImpl : torch::nn::Module {
    OtherImpl() {
      register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 5, 3)));  // 5 channels, not 4
      register_module("extra", torch::nn::Linear(2, 2));                              // unknown to Tiny
    }
  };
  auto other = std::make_shared<OtherImpl>();
  const auto file = dir.path() / "other.pt";
  testing::save_as_torchscript(*other, file);

  Tiny target(4);
  const auto before = target->conv->weight.clone();
  const auto message = message_of([&] { zoo::load_torchscript_weights(*target, file); });
  EXPECT_NE(message.find("other.pt"), std::string::npos) << message;
  EXPECT_NE(message.find("missing from the file"), std::string::npos) << message;
  EXPECT_NE(message.find("bn.running_var"), std::string::npos) << message;
  EXPECT_NE(message.find("in the file but not in the model"), std::string::npos) << message;
  EXPECT_NE(message.find("extra.weight"), std::string::npos) << message;
  EXPECT_NE(message.find("conv.weight: model [4, 3, 3, 3], file [5, 3, 3, 3]"), std::string::npos) << message;
  EXPECT_TRUE(target->conv->weight.equal(before));
}

TEST(Weights, MissingFileIsNamed) {
  Tiny target(4);
  const auto message = message_of([&] { zoo::load_torchscript_weights(*target, "/nonexistent/w.pt"); });
  EXPECT_NE(message.find("/nonexistent/w.pt"), std::string::npos) << message;
  EXPECT_NE(message.find("does not exist"), std::string::npos) << message;
}

TEST(Weights, NonTorchScriptFileIsNamed) {
  testing::TempDir dir("weights-garbage");
  const auto file = dir.path() / "garbage.pt";
  std::ofstream(file) << "not a zip archive";
  Tiny target(4);
  const auto message = message_of([&] { zoo::load_torchscript_weights(*target, file); });
  EXPECT_NE(message.find("garbage.pt"), std::string::npos) << message;
  EXPECT_NE(message.find("not a readable TorchScript file"), std::string::npos) << message;
}

}  // namespace
}  // namespace greenbatch::engine
