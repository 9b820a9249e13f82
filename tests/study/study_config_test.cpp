// Study files: defaults, normalisation, relative paths, overrides, ids, and every kind of error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "greenbatch/core/error.h"
#include "greenbatch/study/design.h"
#include "greenbatch/study/study_config.h"
#include "greenbatch/study/study_runner.h"
#include "support/error_message.h"
#include "support/temp_dir.h"

namespace greenbatch::study {
namespace {

using ::testing::HasSubstr;
using testing::message_of;
using ::testing::Not;

// A valid study of five lines: name (line 1), models (2), policies (3), arrivals (4), requests (5).
constexpr const char* kMinimal =
    "name = \"t\"\n"
    "models = [\"synthetic:alpha=1,tau0=0\"]\n"
    "policies = [\"fixed:1\"]\n"
    "arrivals = [\"jitter:10\"]\n"
    "requests = 10\n";

std::filesystem::path write_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
  return path;
}

// Loads `text` as dir/study.toml and returns the InputError's message.
std::string load_error(const std::string& text, const std::vector<std::string>& overrides = {}) {
  const testing::TempDir dir("study-config-error");
  const auto file = write_file(dir.path() / "study.toml", text);
  return message_of<InputError>([&] { load_study(file, overrides); });
}

StudyConfig load_text(const testing::TempDir& dir, const std::string& text,
                      const std::vector<std::string>& overrides = {}) {
  return load_study(write_file(dir.path() / "study.toml", text), overrides);
}

// kMinimal with `line` (which holds `key = `) replaced.
std::string replace_line(int line, const std::string& text) {
  std::string result;
  std::size_t start = 0;
  const std::string all = kMinimal;
  for (int i = 1; start < all.size(); ++i) {
    const auto end = all.find('\n', start) + 1;
    result += i == line ? text + "\n" : all.substr(start, end - start);
    start = end;
  }
  return result;
}

TEST(StudyConfig, ExampleFilesLoad) {
  const std::filesystem::path examples = std::filesystem::path(GREENBATCH_SOURCE_DIR) / "examples";
  const auto quick = load_study(examples / "study-quick.toml");
  EXPECT_EQ(quick.models, (std::vector<std::string>{"shufflenet_v2_x1_0", "alexnet"}));
  EXPECT_EQ(quick.policies, (std::vector<std::string>{"fixed:1", "fixed:4", "greedy:16"}));
  EXPECT_EQ(quick.arrivals, (std::vector<std::string>{"jitter:10,spread=0.2"}));
  EXPECT_EQ(quick.requests, 40);
  EXPECT_EQ(quick.repetitions, 2);
  EXPECT_EQ(quick.slo_ms, 500.0);
  EXPECT_TRUE(quick.keep_power_trace);

  const auto paper = load_study(examples / "study-paper.toml");
  EXPECT_EQ(paper.models.size(), 5U);
  EXPECT_EQ(paper.policies.size(), 8U);
  EXPECT_EQ(paper.policies.back(), "greedy:256");
  EXPECT_EQ(paper.arrivals, (std::vector<std::string>{"jitter:5,spread=0.2", "jitter:10,spread=0.2",
                                                      "jitter:20,spread=0.2", "jitter:40,spread=0.2"}));
  EXPECT_EQ(paper.requests, 200);
  EXPECT_EQ(paper.repetitions, 5);
  EXPECT_EQ(paper.rest_seconds, 5.0);
  EXPECT_EQ(paper.idle_seconds, 5.0);

  const auto remote = load_study(examples / "study-remote.toml");
  EXPECT_EQ(remote.targets.size(), 2U);
  EXPECT_EQ(remote.server_policies, (std::vector<std::string>{"fixed:8", "greedy:32"}));
  EXPECT_TRUE(remote.policies.empty());
  EXPECT_EQ(expand_design(remote).size(), 12U);  // 2 targets x 2 arrivals x 3 repetitions

  const auto grid = load_study(examples / "study-validation-grid.toml");
  EXPECT_EQ(grid.policies.size(), 4U);
  EXPECT_EQ(grid.arrivals.size(), 4U);  // three Poisson rates and one on/off cell
  EXPECT_EQ(grid.repetitions, 2);
}

TEST(StudyConfig, DefaultsAreFilledIn) {
  const testing::TempDir dir("study-config-defaults");
  const auto config = load_text(dir, kMinimal);
  EXPECT_EQ(config.name, "t");
  EXPECT_EQ(config.file, dir.path() / "study.toml");
  EXPECT_EQ(config.models, (std::vector<std::string>{"synthetic:alpha=1,tau0=0,mode=spin"}));
  EXPECT_EQ(config.requests, 10);
  EXPECT_FALSE(config.duration_s);
  EXPECT_EQ(config.repetitions, 1);
  EXPECT_EQ(config.seed, 1U);
  EXPECT_TRUE(config.shuffle);
  EXPECT_EQ(config.warmup_batches, 2);
  EXPECT_EQ(config.rest_seconds, 1.0);
  EXPECT_EQ(config.idle_seconds, 2.0);
  EXPECT_EQ(config.meter, "auto");
  EXPECT_EQ(config.threads, std::vector<int>{0});
  EXPECT_EQ(config.device, "cpu");
  EXPECT_FALSE(config.slo_ms);
  EXPECT_EQ(config.queue_capacity, 1024);
  EXPECT_EQ(config.images, "");
  EXPECT_TRUE(config.keep_requests);
  EXPECT_TRUE(config.keep_batches);
  EXPECT_FALSE(config.keep_power_trace);
}

TEST(StudyConfig, EveryKeyIsRead) {
  const testing::TempDir dir("study-config-keys");
  const auto config = load_text(dir, replace_line(5, "duration_s = 3") +
                                         "repetitions = 3\nseed = 0\nshuffle = false\nwarmup_batches = 0\n"
                                         "rest_seconds = 0\nidle_seconds = 0.5\nmeter = \"estimate,nvml\"\n"
                                         "threads = 2\ndevice = \"cuda\"\nslo_ms = 250\nqueue_capacity = 64\n"
                                         "keep_requests = false\nkeep_batches = false\nkeep_power_trace = true\n");
  EXPECT_FALSE(config.requests);
  EXPECT_EQ(config.duration_s, 3.0);  // an integer where a number is expected
  EXPECT_EQ(config.repetitions, 3);
  EXPECT_EQ(config.seed, 0U);
  EXPECT_FALSE(config.shuffle);
  EXPECT_EQ(config.warmup_batches, 0);
  EXPECT_EQ(config.rest_seconds, 0.0);
  EXPECT_EQ(config.idle_seconds, 0.5);
  EXPECT_EQ(config.meter, "estimate,nvml");
  EXPECT_EQ(config.threads, std::vector<int>{2});
  EXPECT_EQ(config.device, "cuda:0");
  EXPECT_EQ(config.slo_ms, 250.0);
  EXPECT_EQ(config.queue_capacity, 64);
  EXPECT_FALSE(config.keep_requests);
  EXPECT_FALSE(config.keep_batches);
  EXPECT_TRUE(config.keep_power_trace);
}

TEST(StudyConfig, ThreadsAndPowerKnobsAreFactorLists) {
  const testing::TempDir dir("study-config-factors");
  const auto config = load_text(dir, std::string(kMinimal) +
                                         "threads = [1, 2]\ncpu_max_freqs = [1200000, 2400000]\n"
                                         "gpu_power_limits = [150]\n");
  EXPECT_EQ(config.threads, (std::vector<int>{1, 2}));
  EXPECT_EQ(config.cpu_max_freqs, (std::vector<std::uint64_t>{1200000, 2400000}));
  EXPECT_EQ(config.gpu_power_limits, (std::vector<unsigned>{150}));
  EXPECT_THAT(canonical_json(config), HasSubstr("\"threads\":[1,2]"));
  EXPECT_THAT(load_error(std::string(kMinimal) + "threads = [1, 1]\n"), HasSubstr("key 'threads': 1 is listed twice"));
  EXPECT_THAT(load_error(std::string(kMinimal) + "threads = [1, 2.5]\n"),
              HasSubstr("key 'threads': each value must be a whole number"));
  EXPECT_THAT(load_error(std::string(kMinimal) + "cpu_max_freqs = [0]\n"), HasSubstr("key 'cpu_max_freqs'"));
}

TEST(StudyConfig, PrecisionsAreAFactorList) {
  const testing::TempDir dir("study-config-precisions");
  const auto plain = load_text(dir, kMinimal);
  EXPECT_EQ(plain.precisions, std::vector{engine::Precision::fp32});
  EXPECT_THAT(canonical_json(plain), Not(HasSubstr("precisions")));
  const auto config = load_text(dir, std::string(kMinimal) + "precisions = [\"fp32\", \"bf16\"]\n");
  EXPECT_EQ(config.precisions, (std::vector{engine::Precision::fp32, engine::Precision::bf16}));
  EXPECT_THAT(canonical_json(config), HasSubstr("\"precisions\":[\"fp32\",\"bf16\"]"));
  EXPECT_THAT(load_error(std::string(kMinimal) + "precisions = [\"half\"]\n"),
              HasSubstr("key 'precisions': 'half' is not a precision; use fp32, bf16, fp16 (CUDA only) or int8"));
  EXPECT_THAT(load_error(std::string(kMinimal) + "precisions = [\"bf16\", \"bf16\"]\n"),
              HasSubstr("'bf16' is listed twice"));
  EXPECT_THAT(load_error(std::string(kMinimal) + "precisions = []\n"), HasSubstr("key 'precisions'"));
}

TEST(StudyConfig, RatesCompleteEachBareProcess) {
  const testing::TempDir dir("study-config-rates");
  const auto config = load_text(dir, replace_line(4, "arrivals = [\"jitter\", \"poisson\"]") + "rates = [5, 10.5]\n");
  EXPECT_EQ(config.arrivals,
            (std::vector<std::string>{"jitter:5,spread=0.2", "jitter:10.5,spread=0.2", "poisson:5", "poisson:10.5"}));
}

TEST(StudyConfig, RatesNeedBareNamesAndBareNamesNeedRates) {
  EXPECT_THAT(load_error(std::string(kMinimal) + "rates = [5]\n"),
              HasSubstr("study.toml:4:13: key 'arrivals': 'jitter:10': with 'rates', give bare process names"));
  EXPECT_THAT(load_error(replace_line(4, "arrivals = [\"onoff\"]") + "rates = [5]\n"),
              HasSubstr("study.toml:4:13: key 'arrivals': 'onoff'"));
  EXPECT_THAT(load_error(replace_line(4, "arrivals = [\"jitter\"]")),
              HasSubstr("study.toml:4:13: key 'arrivals': arrival spec 'jitter': parameters are missing"));
  EXPECT_THAT(load_error(replace_line(4, "arrivals = [\"jitter\"]") + "rates = [5, -1]\n"),
              HasSubstr("study.toml:6:13: key 'rates': must be a number > 0, got -1"));
  EXPECT_THAT(load_error(replace_line(4, "arrivals = [\"jitter\"]") + "rates = [5, 5.0]\n"),
              HasSubstr("study.toml:6:13: key 'rates': 5 is listed twice"));
  EXPECT_THAT(load_error(replace_line(4, "arrivals = [\"jitter\"]") + "rates = []\n"),
              HasSubstr("study.toml:6:9: key 'rates': the list is empty"));
}

TEST(StudyConfig, RelativePathsStartAtTheStudyFilesFolder) {
  const testing::TempDir dir("study-config-paths");
  write_file(dir.path() / "nets" / "tiny.pt", "not read here");
  write_file(dir.path() / "load" / "times.txt", "0.1\n0.25\n0.5\n");
  std::filesystem::create_directories(dir.path() / "photos");
  const auto file = write_file(dir.path() / "studies" / "study.toml",
                               "name = \"t\"\nmodels = [\"../nets/tiny.pt\"]\npolicies = [\"fixed:1\"]\n"
                               "arrivals = [\"trace:../load/times.txt,gaps\"]\nrequests = 3\nimages = \"../photos\"\n");
  const auto config = load_study(file);
  EXPECT_EQ(config.models, (std::vector<std::string>{(dir.path() / "nets" / "tiny.pt").string()}));
  EXPECT_EQ(config.arrivals,
            (std::vector<std::string>{"trace:" + (dir.path() / "load" / "times.txt").string() + ",gaps"}));
  EXPECT_EQ(config.images, (dir.path() / "photos").string());

  EXPECT_THAT(message_of<InputError>([&] { load_study(file, {"models=[\"missing.pt\"]"}); }),
              HasSubstr("key 'models': TorchScript file '" + (dir.path() / "studies" / "missing.pt").string()));
  EXPECT_THAT(message_of<InputError>([&] { load_study(file, {"images=\"nowhere\""}); }),
              HasSubstr("key 'images': folder '" + (dir.path() / "studies" / "nowhere").string()));
}

TEST(StudyConfig, UnknownKeySuggestsTheClosest) {
  EXPECT_THAT(load_error(std::string(kMinimal) + "reptitions = 3\n"),
              HasSubstr("study.toml:6:1: key 'reptitions': unknown key; did you mean 'repetitions'?"));
  EXPECT_THAT(load_error(std::string(kMinimal) + "keep_power = true\n"),
              HasSubstr("study.toml:6:1: key 'keep_power': unknown key; did you mean 'keep_power_trace'?"));
  const auto far = load_error(std::string(kMinimal) + "colour = 1\n");
  EXPECT_THAT(far, HasSubstr("study.toml:6:1: key 'colour': unknown key; valid keys: name, models"));
  EXPECT_THAT(far, Not(HasSubstr("did you mean")));
}

TEST(StudyConfig, WrongTypeSaysWhatWasExpected) {
  EXPECT_THAT(load_error(replace_line(5, "requests = \"ten\"")),
              HasSubstr("study.toml:5:12: key 'requests': expected an integer, got a string"));
  EXPECT_THAT(load_error(replace_line(5, "requests = 10.5")),
              HasSubstr("study.toml:5:12: key 'requests': expected an integer, got a floating-point number"));
  EXPECT_THAT(load_error(replace_line(2, "models = \"alexnet\"")),
              HasSubstr("study.toml:2:10: key 'models': expected an array of strings, got a string"));
  EXPECT_THAT(load_error(replace_line(2, "models = [\"alexnet\", 3]")),
              HasSubstr("study.toml:2:22: key 'models': entry 2 is an integer; expected a string"));
  EXPECT_THAT(load_error(std::string(kMinimal) + "shuffle = 1\n"),
              HasSubstr("study.toml:6:11: key 'shuffle': expected a boolean"));
  EXPECT_THAT(load_error(std::string(kMinimal) + "rest_seconds = \"1\"\n"),
              HasSubstr("study.toml:6:16: key 'rest_seconds': expected a number, got a string"));
}

TEST(StudyConfig, ValuesOutOfRangeAreErrors) {
  EXPECT_THAT(load_error(replace_line(5, "requests = 0")),
              HasSubstr("study.toml:5:12: key 'requests': must be a whole number >= 1, got 0"));
  EXPECT_THAT(load_error(std::string(kMinimal) + "repetitions = 0\n"), HasSubstr("key 'repetitions': must be"));
  EXPECT_THAT(load_error(std::string(kMinimal) + "seed = -1\n"), HasSubstr("key 'seed': must be"));
  EXPECT_THAT(load_error(std::string(kMinimal) + "rest_seconds = -1\n"),
              HasSubstr("key 'rest_seconds': must be a number >= 0, got -1"));
  EXPECT_THAT(load_error(std::string(kMinimal) + "idle_seconds = inf\n"), HasSubstr("key 'idle_seconds': must be"));
  EXPECT_THAT(load_error(std::string(kMinimal) + "slo_ms = 0\n"),
              HasSubstr("key 'slo_ms': must be a number > 0, got 0"));
  EXPECT_THAT(load_error(std::string(kMinimal) + "queue_capacity = 0\n"), HasSubstr("key 'queue_capacity': must be"));
  EXPECT_THAT(load_error(std::string(kMinimal) + "device = \"gpu\"\n"),
              HasSubstr("study.toml:6:10: key 'device': 'gpu' is not a device; use cpu, cuda or cuda:N"));
  EXPECT_THAT(load_error(replace_line(1, "name = \"\"")), HasSubstr("study.toml:1:8: key 'name': is empty"));
}

TEST(StudyConfig, EmptyListIsAnError) {
  EXPECT_THAT(load_error(replace_line(3, "policies = []")),
              HasSubstr("study.toml:3:12: key 'policies': the list is empty; give at least one entry"));
}

TEST(StudyConfig, MissingRequiredKeyNamesTheFile) {
  EXPECT_THAT(load_error(replace_line(2, "")), HasSubstr("study.toml: key 'models': is missing; add e.g. models = "));
  EXPECT_THAT(load_error(replace_line(1, "")), HasSubstr("study.toml: key 'name': is missing"));
  EXPECT_THAT(load_error(replace_line(5, "")),
              HasSubstr("study.toml: key 'requests': is missing; give the length of each trial as requests = N or "
                        "duration_s = SECONDS"));
}

TEST(StudyConfig, RequestsAndDurationTogetherIsAnError) {
  EXPECT_THAT(load_error(std::string(kMinimal) + "duration_s = 5\n"),
              HasSubstr("study.toml:6:14: key 'duration_s': give either 'requests' or 'duration_s', not both"));
}

TEST(StudyConfig, BatchAboveQueueCapacityIsAnError) {
  const auto message = load_error(replace_line(3, "policies = [\"fixed:1\", \"fixed:2048\"]"));
  EXPECT_THAT(message, HasSubstr("study.toml:3:24: key 'policies': 'fixed:2048' dispatches batches of up to 2048"));
  EXPECT_THAT(message, HasSubstr("queue_capacity is 1024"));
  const testing::TempDir dir("study-config-capacity");
  EXPECT_EQ(load_text(dir, std::string(kMinimal) + "queue_capacity = 1\n").queue_capacity, 1);  // fixed:1 fits
  EXPECT_THAT(load_error(replace_line(3, "policies = [\"greedy\"]") + "queue_capacity = 100\n"),
              HasSubstr("'greedy' dispatches batches of up to 256 requests but queue_capacity is 100"));
}

TEST(StudyConfig, BadPolicySpecIsAnError) {
  EXPECT_THAT(load_error(replace_line(3, "policies = [\"fixed:0\"]")),
              HasSubstr("study.toml:3:13: key 'policies': policy 'fixed:0': B must be a whole number >= 1"));
  EXPECT_THAT(load_error(replace_line(3, "policies = [\"batchy:4\"]")),
              HasSubstr("key 'policies': policy 'batchy:4': unknown policy 'batchy'"));
}

TEST(StudyConfig, UnknownZooModelListsTheValidOnes) {
  const auto message = load_error(replace_line(2, "models = [\"alexnet\", \"alexnett\"]"));
  EXPECT_THAT(message, HasSubstr("study.toml:2:22: key 'models': unknown model 'alexnett'; valid models: "));
  EXPECT_THAT(message, HasSubstr("shufflenet_v2_x1_0"));
  EXPECT_THAT(message, HasSubstr("or a TorchScript file ending in .pt"));
  EXPECT_THAT(load_error(replace_line(2, "models = [\"synthetic:tau0=1\"]")),
              HasSubstr("key 'models': backend 'synthetic:tau0=1': alpha is required"));
}

TEST(StudyConfig, BadMeterIsAnError) {
  const auto message = load_error(std::string(kMinimal) + "meter = \"wattmeter\"\n");
  EXPECT_THAT(message, HasSubstr("study.toml:6:9: key 'meter': unknown meter 'wattmeter'; valid: auto, none, rapl"));
  EXPECT_THAT(load_error(std::string(kMinimal) + "meter = \"rapl,perf\"\n"),
              HasSubstr("key 'meter': meter selection 'rapl,perf' names two cpu meters"));
}

TEST(StudyConfig, DuplicatesAreErrorsAfterNormalisation) {
  EXPECT_THAT(load_error(replace_line(3, "policies = [\"greedy\", \"greedy:256\"]")),
              HasSubstr("study.toml:3:23: key 'policies': 'greedy:256' is listed twice; remove one"));
  EXPECT_THAT(load_error(replace_line(3, "policies = [\"fixed:4\", \"fixed:04\"]")),
              HasSubstr("key 'policies': 'fixed:04' is listed twice (as 'fixed:4' once normalised)"));
  EXPECT_THAT(load_error(replace_line(2, "models = [\"alexnet\", \"alexnet\"]")),
              HasSubstr("key 'models': 'alexnet' is listed twice"));
  EXPECT_THAT(load_error(replace_line(4, "arrivals = [\"poisson:10\", \"poisson:10.0\"]")),
              HasSubstr("key 'arrivals': 'poisson:10.0' is listed twice"));
}

TEST(StudyConfig, TomlSyntaxErrorGivesLineAndColumn) {
  const auto message = load_error(replace_line(5, "requests = = 10"));
  EXPECT_THAT(message, HasSubstr("study.toml:5:12: "));
  EXPECT_THAT(message, HasSubstr("Error while parsing"));
  const testing::TempDir dir("study-config-nofile");
  EXPECT_THAT(message_of<InputError>([&] { load_study(dir.path() / "absent.toml"); }),
              HasSubstr("absent.toml' does not exist"));
}

TEST(StudyConfig, OverridesReplaceOrSetKeys) {
  const testing::TempDir dir("study-config-overrides");
  const auto config = load_text(dir, kMinimal, {"requests=5", "models = [\"alexnet\"]", "slo_ms=100", "requests=7"});
  EXPECT_EQ(config.requests, 7);  // the last override of a key wins
  EXPECT_EQ(config.models, (std::vector<std::string>{"alexnet"}));
  EXPECT_EQ(config.slo_ms, 100.0);
}

TEST(StudyConfig, BadOverridesAreErrors) {
  EXPECT_THAT(load_error(kMinimal, {"requests=0"}),
              HasSubstr("override 'requests=0': key 'requests': must be a whole number >= 1, got 0"));
  EXPECT_THAT(load_error(kMinimal, {"policies=[\"fixed:1\", 2]"}),
              HasSubstr("override 'policies=[\"fixed:1\", 2]': key 'policies': entry 2 is an integer"));
  EXPECT_THAT(load_error(kMinimal, {"reqests=5"}),
              HasSubstr("override 'reqests=5': key 'reqests': unknown key; did you mean 'requests'?"));
  EXPECT_THAT(load_error(kMinimal, {"duration_s=5"}), HasSubstr("override 'duration_s=5': key 'duration_s': give"));

  const testing::TempDir dir("study-config-bad-override");
  const auto file = write_file(dir.path() / "study.toml", kMinimal);
  EXPECT_THAT(message_of<UsageError>([&] { load_study(file, {"requests"}); }),
              HasSubstr("override 'requests' is not KEY=VALUE"));
  EXPECT_THAT(message_of<UsageError>([&] { load_study(file, {"meter=rapl"}); }),
              HasSubstr("override 'meter=rapl' is not valid TOML"));
}

TEST(StudyConfig, CanonicalJsonIgnoresSpellingAndPlace) {
  const testing::TempDir one("study-config-id-one");
  const testing::TempDir two("study-config-id-two");
  const auto a = load_text(one, replace_line(3, "policies = [\"fixed:4\", \"greedy\"]"));
  const auto b = load_text(two, replace_line(3, "policies = [\"fixed:04\", \"greedy:256\"]") + "meter = \"auto\"\n");
  EXPECT_EQ(canonical_json(a), canonical_json(b));
  EXPECT_EQ(study_id(a), study_id(b));
  EXPECT_EQ(study_id(a).size(), 16U);
  EXPECT_THAT(canonical_json(a), HasSubstr("{\"name\":\"t\",\"models\":[\"synthetic:alpha=1,tau0=0,mode=spin\"],"
                                           "\"policies\":[\"fixed:4\",\"greedy:256\"],"));
  EXPECT_THAT(canonical_json(a), HasSubstr("\"keep_power_trace\":false}"));
  EXPECT_THAT(canonical_json(a), Not(HasSubstr("study.toml")));
  const auto c = load_text(one, kMinimal, {"requests=11"});
  EXPECT_NE(study_id(load_text(one, kMinimal)), study_id(c));
}

}  // namespace
}  // namespace greenbatch::study

namespace greenbatch::study {
namespace {

constexpr const char* kRemote =
    "name = \"remote\"\n"
    "models = [\"resnet50_onnx\"]\n"
    "arrivals = [\"poisson:10\"]\n"
    "requests = 10\n"
    "targets = [\"http://127.0.0.1:8001/\", \"http://127.0.0.1:8002\"]\n";

TEST(StudyConfig, TargetsAreThePolicyFactorWithServerNamedModels) {
  const testing::TempDir dir("study-config-remote");
  const auto config = load_text(dir, std::string(kRemote) +
                                         "server_policies = [\"triton max_queue_delay=5ms\", \"greedy:32\"]\n"
                                         "payload = \"tensor\"\nmax_in_flight = 64\nrequest_timeout_ms = 500\n");
  EXPECT_EQ(config.models, (std::vector<std::string>{"resnet50_onnx"}));  // a name on the server, as written
  EXPECT_EQ(config.targets, (std::vector<std::string>{"http://127.0.0.1:8001", "http://127.0.0.1:8002"}));
  EXPECT_TRUE(config.policies.empty());
  EXPECT_EQ(config.payload, "tensor");
  EXPECT_EQ(config.max_in_flight, 64);
  EXPECT_EQ(config.request_timeout_ms, 500.0);
  const auto plan = expand_design(config);
  ASSERT_EQ(plan.size(), 2U);
  for (const auto& t : plan) {
    const auto settings = trial_settings(config, t);
    ASSERT_TRUE(settings.remote);
    EXPECT_EQ(settings.remote->endpoint.url(), t.target);
    EXPECT_EQ(settings.remote->model, "resnet50_onnx");
    EXPECT_EQ(settings.remote->server_policy, t.target.ends_with("8001") ? "triton max_queue_delay=5ms" : "greedy:32");
  }
  // The remote settings join the study id.
  EXPECT_NE(study_id(config), study_id(load_text(dir, kRemote)));
}

TEST(StudyConfig, RemoteMistakesAreNamed) {
  EXPECT_NE(load_error(std::string(kRemote) + "policies = [\"greedy:8\"]\n").find("the servers batch"),
            std::string::npos);
  EXPECT_NE(load_error(std::string(kRemote) + "server_policies = [\"a\"]\n").find("one per target"), std::string::npos);
  EXPECT_NE(load_error(std::string(kMinimal) + "payload = \"tensor\"\n").find("remote trials only"), std::string::npos);
  EXPECT_NE(load_error("name = \"r\"\nmodels = [\"m\"]\narrivals = [\"poisson:1\"]\nrequests = 1\n"
                       "targets = [\"https://h\"]\n")
                .find("https is not supported"),
            std::string::npos);
  EXPECT_NE(load_error(std::string(kRemote) + "payload = \"video\"\n").find("payload"), std::string::npos);
}

}  // namespace
}  // namespace greenbatch::study
