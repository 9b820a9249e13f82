// Zoo networks: parameter counts and FLOPs equal the published figures, and logits equal
// torchvision's own implementation (exported as TorchScript by Python) given the same weights and input.
#include <gtest/gtest.h>

#include <torch/script.h>
#include <torch/torch.h>
#include <set>
#include <string>
#include <vector>

#include <cstdlib>
#include <map>
#include <string>

#include "engine/zoo/weights.h"
#include "engine/zoo/zoo_net.h"
#include "greenbatch/engine/model_catalog.h"
#include "greenbatch/engine/zoo.h"
#include "support/temp_dir.h"

namespace greenbatch::engine {
namespace {

std::string param_name(const ::testing::TestParamInfo<std::string>& info) { return info.param; }

// torchvision's published cost of each model ("_ops" of its weights' metadata, in GFLOPS as
// torchvision counts them: multiply-accumulates of convolutions and matrix products), torchvision
// 0.15 sources (torchvision/models/*.py). An independent check of our shape-based FLOP counter.
const std::map<std::string, double> kTorchvisionGmacs{{"alexnet", 0.714},           {"vgg16", 15.47},
                                                      {"googlenet", 1.498},         {"resnet50", 4.089},
                                                      {"inception_v3", 5.713},      {"squeezenet1_1", 0.349},
                                                      {"densenet201", 4.291},       {"resnext50_32x4d", 4.23},
                                                      {"mobilenet_v2", 0.301},      {"shufflenet_v2_x1_0", 0.145},
                                                      {"mnasnet1_0", 0.314},        {"mobilenet_v3_large", 0.217},
                                                      {"efficientnet_b0", 0.386},   {"regnet_y_1_6gf", 1.612},
                                                      {"vit_b_16", 17.564},         {"swin_t", 4.491},
                                                      {"efficientnet_v2_s", 8.366}, {"convnext_base", 15.355},
                                                      {"maxvit_t", 5.558}};

// Every model of the table, built with random weights, has exactly the published parameter count
// and the published cost (FLOPs = 2 x multiply-accumulates).
class ZooCounts : public ::testing::TestWithParam<std::string> {};

TEST_P(ZooCounts, ParamsAndFlopsEqualPublished) {
  torch::manual_seed(0);
  const auto stats = count_zoo_model(GetParam());
  EXPECT_EQ(stats.params, find_model(GetParam()).params);
  EXPECT_NEAR(stats.flops / 2e9, kTorchvisionGmacs.at(GetParam()), 0.02 * kTorchvisionGmacs.at(GetParam()));
}

// The models the parameterised tests cover.
const std::vector<std::string> kTestedModels{"alexnet",           "vgg16",
                                             "googlenet",         "resnet50",
                                             "inception_v3",      "squeezenet1_1",
                                             "densenet201",       "resnext50_32x4d",
                                             "mobilenet_v2",      "shufflenet_v2_x1_0",
                                             "mnasnet1_0",        "mobilenet_v3_large",
                                             "efficientnet_b0",   "regnet_y_1_6gf",
                                             "vit_b_16",          "swin_t",
                                             "efficientnet_v2_s", "convnext_base",
                                             "maxvit_t"};

INSTANTIATE_TEST_SUITE_P(All, ZooCounts, ::testing::ValuesIn(kTestedModels), param_name);

TEST(ZooCatalog, EveryTableModelIsTested) {
  std::set<std::string> catalog, tested(kTestedModels.begin(), kTestedModels.end()), published;
  for (const auto& m : model_catalog()) catalog.insert(m.name);
  for (const auto& [name, gmacs] : kTorchvisionGmacs) published.insert(name);
  EXPECT_EQ(tested, catalog);     // the tests cover exactly the table's models
  EXPECT_EQ(published, catalog);  // and each has its published cost to compare with
}

// Logits of a zoo model against torchvision's scripted module, before and after fusing.
void expect_matches_torchvision(const std::string& name) {
  testing::TempDir dir("parity-" + name);
  const std::string command = "/usr/bin/python3 " GREENBATCH_SOURCE_DIR "/tests/tools/export_torchvision.py '" +
                              dir.path().string() + "' " + name;
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const auto file = dir.path() / (name + ".pt");

  auto reference = torch::jit::load(file.string());
  reference.eval();
  torch::manual_seed(7);
  const auto net = zoo::build_zoo_net(name);
  zoo::load_torchscript_weights(*net, file);
  net->eval();

  torch::NoGradGuard no_grad;
  const int crop = find_model(name).preprocessing.crop;
  torch::manual_seed(11);
  const auto input = torch::randn({2, 3, crop, crop});
  auto out = reference.forward({input});
  const auto expected = out.isTuple() ? out.toTuple()->elements()[0].toTensor() : out.toTensor();
  ASSERT_EQ(expected.sizes(), (std::vector<std::int64_t>{2, 1000}));

  const double scale = std::max(1.0, expected.abs().max().item<double>());
  const auto got = net->forward(input);
  ASSERT_EQ(got.sizes(), expected.sizes());
  EXPECT_LE((got - expected).abs().max().item<double>(), 1e-4 * scale) << name << " (unfused)";

  net->fuse_for_inference();
  const auto fused = net->forward(input);
  EXPECT_LE((fused - expected).abs().max().item<double>(), 1e-3 * scale) << name << " (fused)";
  EXPECT_EQ(fused.argmax(1).equal(expected.argmax(1)), true) << name;
}

class ZooParity : public ::testing::TestWithParam<std::string> {};

TEST_P(ZooParity, LogitsMatchTorchvision) { expect_matches_torchvision(GetParam()); }

// Small models run in the unit suite; the heavy ones are labelled slow.
INSTANTIATE_TEST_SUITE_P(Small, ZooParity,
                         ::testing::Values("squeezenet1_1", "shufflenet_v2_x1_0", "mobilenet_v2", "mnasnet1_0",
                                           "mobilenet_v3_large", "efficientnet_b0", "googlenet", "regnet_y_1_6gf"),
                         param_name);
INSTANTIATE_TEST_SUITE_P(Slow, ZooParity,
                         ::testing::Values("alexnet", "vgg16", "resnet50", "inception_v3", "densenet201",
                                           "resnext50_32x4d", "vit_b_16", "swin_t", "efficientnet_v2_s",
                                           "convnext_base"),
                         param_name);

}  // namespace
}  // namespace greenbatch::engine
