// End-to-end: the greenbatch command's outputs and exit codes, bad inputs included.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include <fstream>

#include "cli/run_cli.h"
#include "support/temp_dir.h"
#include "support/text.h"

namespace greenbatch::testing {
namespace {

using nlohmann::json;

// Exports torchvision's `model` with random weights as a TorchScript file (Python, as a user would).
std::filesystem::path export_torchvision(const TempDir& dir, const std::string& model) {
  const int rc = run_shell("/usr/bin/python3 " GREENBATCH_SOURCE_DIR "/tests/tools/export_torchvision.py '" +
                           dir.path().string() + "' " + model);
  EXPECT_EQ(rc, 0);
  return dir.path() / (model + ".pt");
}

TEST(Cli, HelpListsTheCommands) {
  const auto r = run_cli({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* cmd : {"models", "classify", "meters", "profile"}) EXPECT_TRUE(contains(r.out, cmd)) << r.out;
}

TEST(Cli, ModelsJsonHasTheWholeZooWithExactParameterCounts_Slow) {
  const auto r = run_cli({"models", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = json::parse(r.out);
  ASSERT_EQ(rows.size(), 19U);
  int presets = 0;
  for (const auto& row : rows) {
    EXPECT_EQ(row["params"], row["published_params"]) << row["name"];
    EXPECT_GT(row["gflops"].get<double>(), 0.0) << row["name"];
    presets += row["study_preset"].get<bool>() ? 1 : 0;
  }
  EXPECT_EQ(presets, 5);
  EXPECT_EQ(rows[0]["name"], "alexnet");
  EXPECT_EQ(rows[0]["year"], 2012);
}

TEST(Cli, ProfileSyntheticJson) {
  const auto r = run_cli({"profile", "--backend", "synthetic:alpha=1,tau0=2,mode=sleep", "--batch-sizes", "1,4",
                          "--min-seconds", "0", "--min-batches", "3", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = json::parse(r.out);
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0]["batch_size"], 1);
  EXPECT_EQ(rows[1]["batch_size"], 4);
  EXPECT_EQ(rows[1]["batches"], 3);
  EXPECT_GE(rows[1]["latency_median_ms"].get<double>(), 6.0);
  EXPECT_EQ(rows[0]["backend"], "synthetic");
}

TEST(Cli, ProfileSmallRealModelCsv) {
  const auto r = run_cli({"profile", "--model", "squeezenet1_1", "--batch-sizes", "1,2", "--min-seconds", "0",
                          "--min-batches", "2", "--threads", "1", "--csv"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string header;
  std::getline(lines, header);
  EXPECT_TRUE(header.starts_with("model,backend,device,threads")) << header;
  int rows = 0;
  for (std::string line; std::getline(lines, line);) {
    EXPECT_TRUE(line.starts_with("squeezenet1_1,torch,cpu,1,")) << line;
    ++rows;
  }
  EXPECT_EQ(rows, 2);
}

// int8 through the command: the profile row says int8 and carries its agreement with fp32.
TEST(Cli, ProfileInt8RecordsPrecisionAndAgreement) {
  const auto r = run_cli({"profile", "--model", "mobilenet_v2", "--precision", "int8", "--crop", "64", "--batch-sizes",
                          "2", "--min-seconds", "0", "--min-batches", "1", "--threads", "1", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = json::parse(r.out);
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0]["precision"], "int8");
  EXPECT_TRUE(rows[0]["fp32_top1_agreement"].is_number()) << rows[0].dump();
  EXPECT_TRUE(contains(r.err, "int8 vs fp32 on 16 generated images")) << r.err;
}

TEST(Cli, Int8ForAModelWithoutInt8LayersIsRefused) {
  const auto r = run_cli({"profile", "--model", "vit_b_16", "--precision", "int8", "--batch-sizes", "1"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_TRUE(contains(r.err, "--precision int8 for vit_b_16")) << r.err;
  EXPECT_TRUE(contains(r.err, "googlenet, resnet50, inception_v3")) << r.err;
}

TEST(Cli, ClassifyGeneratedImage) {
  TempDir dir("classify");
  const auto image = dir.path() / "gradient.png";
  cv::Mat pixels(64, 80, CV_8UC3);
  for (int y = 0; y < pixels.rows; ++y)
    for (int x = 0; x < pixels.cols; ++x) pixels.at<cv::Vec3b>(y, x) = cv::Vec3b(x * 3, y * 4, 128);
  ASSERT_TRUE(cv::imwrite(image.string(), pixels));
  const auto r = run_cli({"classify", "--model", "squeezenet1_1", "--top", "3", "--json", image.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto out = json::parse(r.out);
  EXPECT_EQ(out["weights"], "random(seed=1)");
  ASSERT_EQ(out["results"].size(), 1U);
  const auto& top = out["results"][0]["top"];
  ASSERT_EQ(top.size(), 3U);
  double previous = 1.0;
  for (const auto& p : top) {
    const double prob = p["probability"].get<double>();
    EXPECT_LE(prob, previous);
    EXPECT_GT(prob, 0.0);
    previous = prob;
    EXPECT_FALSE(p["class"].get<std::string>().empty());
  }
  const auto text = run_cli({"classify", "--model", "squeezenet1_1", image.string()});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_TRUE(contains(text.err, "random weights")) << text.err;  // never presented as real predictions
}

TEST(Cli, ClassifyWithTorchvisionWeights) {
  TempDir dir("classify-weights");
  const auto weights = export_torchvision(dir, "shufflenet_v2_x1_0");
  cv::Mat pixels(50, 50, CV_8UC3, cv::Scalar(30, 90, 200));
  const auto image = dir.path() / "flat.jpg";
  ASSERT_TRUE(cv::imwrite(image.string(), pixels));
  const auto r = run_cli(
      {"classify", "--model", "shufflenet_v2_x1_0", "--weights", weights.string(), "--json", image.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["weights"], weights.string());
}

TEST(Cli, CorruptImageIsNamed) {
  TempDir dir("classify-corrupt");
  const auto image = dir.path() / "broken.jpg";
  std::ofstream(image) << "garbage";
  const auto r = run_cli({"classify", "--model", "squeezenet1_1", image.string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(contains(r.err, "broken.jpg")) << r.err;
}

TEST(Cli, UnknownModelListsValidNames) {
  const auto r = run_cli({"profile", "--model", "resnet5", "--batch-sizes", "1"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(contains(r.err, "unknown model 'resnet5'")) << r.err;
  EXPECT_TRUE(contains(r.err, "shufflenet_v2_x1_0")) << r.err;
}

TEST(Cli, BadBatchSizesAreUsageErrors) {
  for (const char* sizes : {"0", "-2", "abc", "4,x"}) {
    const auto r = run_cli({"profile", "--backend", "synthetic:alpha=1", "--batch-sizes", sizes});
    EXPECT_EQ(r.exit_code, 2) << sizes;
    EXPECT_TRUE(contains(r.err, "--batch-sizes")) << r.err;
  }
}

TEST(Cli, MissingWeightsFileIsNamed) {
  const auto r = run_cli({"classify", "--model", "squeezenet1_1", "--weights", "/nonexistent/w.pt", "x.png"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(contains(r.err, "/nonexistent/w.pt")) << r.err;
}

TEST(Cli, MismatchedWeightsListTheDifferences) {
  TempDir dir("mismatch");
  const auto weights = export_torchvision(dir, "squeezenet1_1");
  const auto r = run_cli({"profile", "--model", "mobilenet_v2", "--weights", weights.string(), "--batch-sizes", "1"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(contains(r.err, "does not match the model")) << r.err;
  EXPECT_TRUE(contains(r.err, "missing from the file")) << r.err;
  EXPECT_TRUE(contains(r.err, "in the file but not in the model")) << r.err;
}

TEST(Cli, CudaWithoutCudaSaysSo) {
  const auto r = run_cli({"profile", "--model", "squeezenet1_1", "--device", "cuda", "--batch-sizes", "1"});
  EXPECT_EQ(r.exit_code, 4);
  EXPECT_TRUE(contains(r.err, "has no CUDA")) << r.err;
}

// A profile that fails (here: CUDA asked of a build without it) leaves the document already at
// --out as it was: the new one is written whole at the end or not at all.
TEST(Cli, FailedProfileKeepsTheEarlierDocument) {
  TempDir dir("profile-keep");
  const auto out = dir.path() / "resnet50.json";
  { std::ofstream(out) << "{\"earlier\": true}\n"; }
  const auto r = run_cli({"profile", "--model", "squeezenet1_1", "--device", "cuda", "--batch-sizes", "1",
                          "--idle-seconds", "0", "--out", out.string()});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_EQ(read_text(out), "{\"earlier\": true}\n");
}

TEST(Cli, UnknownFlagIsAUsageError) {
  const auto r = run_cli({"profile", "--batch-size", "4"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "--help")) << r.err;
}

TEST(Cli, ConflictingModelChoicesAreUsageErrors) {
  const auto r = run_cli({"profile", "--model", "alexnet", "--backend", "synthetic:alpha=1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "exactly one of")) << r.err;
}

}  // namespace
}  // namespace greenbatch::testing
