// The profile document: round trip, every column kept, and clear errors for anything else.
#include "greenbatch/profile/profile_document.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "greenbatch/core/error.h"

namespace greenbatch::profile {
namespace {

ProfileRecord record(int batch, std::vector<double> samples) {
  ProfileRecord r;
  r.model = "resnet18";
  r.backend = "torch";
  r.device = "cpu";
  r.threads = 4;
  r.library_version = "2.1.0";
  r.weights = "random(seed=1)";
  r.batch_size = batch;
  r.batches = static_cast<std::int64_t>(samples.size());
  r.seconds = 1.5;
  double sum = 0.0;
  for (const double x : samples) sum += x;
  r.latency_mean_ms = samples.empty() ? 0.0 : sum / static_cast<double>(samples.size());
  r.energy_source = "rapl";
  r.energy_status = "ok";
  r.energy_j = 12.0;
  r.energy_per_image_j = 0.25;
  r.dynamic_energy_per_image_j = 0.125;
  r.idle_power_w = 5.0;
  r.latency_samples_ms = std::move(samples);
  return r;
}

std::string error_of(const std::string& text) {
  std::istringstream in(text);
  try {
    (void)read_profile_document(in, "p.json");
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ProfileDocument, RoundTrip) {
  const std::vector<ProfileRecord> records{record(1, {9.5, 10.5}), record(4, {39.0, 41.0, 40.0})};
  std::stringstream text;
  write_profile_document(text, records, R"({"host":"box","cpu":{"model":"x"}})");
  const auto json = nlohmann::json::parse(text.str());
  EXPECT_EQ(json["format"], "greenbatch-profile");
  EXPECT_EQ(json["version"], 2);
  EXPECT_EQ(json["environment"]["host"], "box");
  // Every column of the flat table, plus the four the simulator needs.
  const auto& cell = json["cells"][1];
  for (const auto& field : fields(static_cast<const ProfileRecord*>(nullptr))) {
    EXPECT_TRUE(cell.contains(std::string(field.name))) << field.name;
  }
  EXPECT_EQ(cell.size(), fields(static_cast<const ProfileRecord*>(nullptr)).size() + 4);
  EXPECT_EQ(cell["idle_gaps"], nlohmann::json::array()) << "none measured";
  EXPECT_EQ(cell["latency_samples_ms"], nlohmann::json::array({39.0, 41.0, 40.0}));
  EXPECT_DOUBLE_EQ(cell["energy_per_batch_j"].get<double>(), 1.0);  // 0.25 J/image x 4
  EXPECT_DOUBLE_EQ(cell["dynamic_energy_per_batch_j"].get<double>(), 0.5);

  text.seekg(0);
  const auto doc = read_profile_document(text, "p.json");
  EXPECT_EQ(doc.path, "p.json");
  EXPECT_EQ(nlohmann::json::parse(doc.environment_json),
            nlohmann::json::parse(R"({"host":"box","cpu":{"model":"x"}})"));
  EXPECT_EQ(doc.idle_power_w, 5.0);
  EXPECT_EQ(doc.energy_source, "rapl");
  ASSERT_EQ(doc.cells.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& c = doc.cells[i];
    const auto& r = records[i];
    EXPECT_EQ(c.model, r.model);
    EXPECT_EQ(c.backend, r.backend);
    EXPECT_EQ(c.device, r.device);
    EXPECT_EQ(c.threads, r.threads);
    EXPECT_EQ(c.weights, r.weights);
    EXPECT_EQ(c.batch_size, r.batch_size);
    EXPECT_EQ(c.includes_preprocess, r.includes_preprocess);
    EXPECT_EQ(c.latency_mean_ms, r.latency_mean_ms);
    EXPECT_EQ(c.latency_samples_ms, r.latency_samples_ms);
    EXPECT_DOUBLE_EQ(*c.energy_per_batch_j, 0.25 * r.batch_size);
    EXPECT_DOUBLE_EQ(*c.dynamic_energy_per_batch_j, 0.125 * r.batch_size);
  }
}

TEST(ProfileDocument, UnmeasuredEnergyStaysNull) {
  auto r = record(2, {1.0});
  r.energy_source = "none";
  r.energy_per_image_j.reset();
  r.dynamic_energy_per_image_j.reset();
  r.idle_power_w.reset();
  std::stringstream text;
  write_profile_document(text, {r}, "{}");
  const auto doc = read_profile_document(text, "p.json");
  EXPECT_FALSE(doc.idle_power_w);
  EXPECT_EQ(doc.energy_source, "none");
  EXPECT_FALSE(doc.cells[0].energy_per_batch_j);
  EXPECT_FALSE(doc.cells[0].dynamic_energy_per_batch_j);
}

TEST(ProfileDocument, AnythingElseIsAClearInputError) {
  EXPECT_NE(error_of("not json").find("'p.json' is not valid JSON"), std::string::npos);
  EXPECT_NE(error_of(R"([{"model":"m"}])").find("older --out or --json output"), std::string::npos);
  EXPECT_NE(error_of(R"({"format":"other"})").find("is not a profile document"), std::string::npos);
  EXPECT_NE(
      error_of(R"({"format":"greenbatch-profile","version":3})").find("version 3; this build reads versions 1 to 2"),
      std::string::npos);
  std::stringstream text;
  write_profile_document(text, {record(1, {1.0})}, "{}");
  auto json = nlohmann::json::parse(text.str());
  json["cells"][0].erase("latency_samples_ms");
  const auto missing = error_of(json.dump());
  EXPECT_NE(missing.find("profile 'p.json', cell 0: \"latency_samples_ms\" is missing"), std::string::npos) << missing;
  json["cells"][0]["latency_samples_ms"] = {1.0, -2.0};
  EXPECT_NE(error_of(json.dump()).find("latencies >= 0 ms"), std::string::npos);
  json["cells"][0]["latency_samples_ms"] = {1.0};
  json["cells"][0]["batch_size"] = 0;
  EXPECT_NE(error_of(json.dump()).find("\"batch_size\" must be a batch size >= 1"), std::string::npos);
  EXPECT_THROW((void)load_profile_document("/nonexistent/p.json"), InputError);
}

TEST(ProfileDocument, FiguresThatContradictEachOtherOrPhysicsAreRefused) {
  std::stringstream text;
  write_profile_document(text, {record(2, {4.0, 6.0})}, "{}");
  const auto good = nlohmann::json::parse(text.str());
  auto json = good;
  json["cells"][0]["latency_mean_ms"] = 9.0;  // the samples average 5 ms
  EXPECT_NE(error_of(json.dump()).find("\"latency_mean_ms\" is 9 ms, but its latency_samples_ms average 5 ms"),
            std::string::npos)
      << error_of(json.dump());
  json = good;
  json["cells"][0]["energy_per_batch_j"] = -0.5;
  EXPECT_NE(error_of(json.dump()).find("\"energy_per_batch_j\" must be >= 0 J"), std::string::npos);
  json = good;
  json["cells"][0]["dynamic_energy_per_batch_j"] = 1.0;  // above the 0.5 J total
  EXPECT_NE(error_of(json.dump()).find("must not exceed energy_per_batch_j"), std::string::npos);
  json = good;
  json["idle_power_w"] = -3.0;
  EXPECT_NE(error_of(json.dump()).find("\"idle_power_w\" must be >= 0 W"), std::string::npos);
}

TEST(ProfileDocument, ModelCellsAreSortedAndUnique) {
  ProfileDocument doc;
  doc.path = "p.json";
  for (const int b : {8, 1, 4}) doc.cells.push_back({.model = "m", .batch_size = b});
  const auto cells = model_cells(doc, "");
  ASSERT_EQ(cells.size(), 3u);
  EXPECT_EQ(cells[0].batch_size, 1);
  EXPECT_EQ(cells[2].batch_size, 8);
  doc.cells.push_back({.model = "m", .batch_size = 4});
  EXPECT_THROW((void)model_cells(doc, "m"), InputError);
}

TEST(ProfileDocument, IdleGapCellsRoundTrip) {
  auto r = record(2, {4.0, 6.0});
  r.idle_gaps = {{5.0, {7.0, 8.0}, 0.75}, {100.0, {9.0}, std::nullopt}};
  std::stringstream text;
  write_profile_document(text, {r}, "{}");
  const auto doc = read_profile_document(text, "p.json");
  EXPECT_EQ(doc.version, 2);
  ASSERT_EQ(doc.cells[0].idle_gaps.size(), 2U);
  EXPECT_EQ(doc.cells[0].idle_gaps[0].gap_ms, 5.0);
  EXPECT_EQ(doc.cells[0].idle_gaps[0].latency_samples_ms, (std::vector<double>{7.0, 8.0}));
  EXPECT_EQ(doc.cells[0].idle_gaps[0].energy_per_batch_j, 0.75);
  EXPECT_EQ(doc.cells[0].idle_gaps[1].gap_ms, 100.0);
  EXPECT_FALSE(doc.cells[0].idle_gaps[1].energy_per_batch_j);
}

TEST(ProfileDocument, VersionOneLoadsWithoutIdleGaps) {
  std::stringstream text;
  write_profile_document(text, {record(1, {3.0})}, "{}");
  auto json = nlohmann::json::parse(text.str());
  json["version"] = 1;
  json["cells"][0].erase("idle_gaps");
  std::istringstream in(json.dump());
  const auto doc = read_profile_document(in, "old.json");
  EXPECT_EQ(doc.version, 1);
  EXPECT_TRUE(doc.cells[0].idle_gaps.empty());
  EXPECT_EQ(doc.cells[0].latency_samples_ms, (std::vector<double>{3.0}));
}

TEST(ProfileDocument, PowerKnobsRoundTripAndDocumentsWithoutThemLoad) {
  auto r = record(1, {3.0});
  r.knobs = {.cpu_max_freq_khz = 1'200'000, .gpu_power_limit_w = 150};
  std::stringstream text;
  write_profile_document(text, {r}, "{}");
  const auto json = nlohmann::json::parse(text.str());
  EXPECT_EQ(json["version"], 2);
  EXPECT_EQ(json["cells"][0]["cpu_max_freq_khz"], 1'200'000);
  EXPECT_EQ(json["cells"][0]["gpu_power_limit_w"], 150);
  EXPECT_TRUE(json["cells"][0]["gpu_clocks_mhz"].is_null()) << "not set";
  const auto doc = read_profile_document(text, "p.json");
  EXPECT_EQ(doc.cells[0].knobs, r.knobs);

  // Written before the knobs existed: no members at all, i.e. nothing set.
  auto old = json;
  for (const char* key : {"cpu_max_freq_khz", "gpu_power_limit_w", "gpu_clocks_mhz"}) old["cells"][0].erase(key);
  std::istringstream in(old.dump());
  const auto before = read_profile_document(in, "old.json");
  EXPECT_FALSE(before.cells[0].knobs.any());

  auto bad = json;
  bad["cells"][0]["gpu_power_limit_w"] = 0;
  EXPECT_NE(error_of(bad.dump()).find("cell 0: \"gpu_power_limit_w\" must be a whole number >= 1"), std::string::npos)
      << error_of(bad.dump());
  bad["cells"][0]["gpu_power_limit_w"] = 5'000'000'000;  // past unsigned
  EXPECT_NE(error_of(bad.dump()).find("\"gpu_power_limit_w\" must be a whole number >= 1"), std::string::npos);
  bad = json;
  bad["cells"][0]["cpu_max_freq_khz"] = "1.2 GHz";
  EXPECT_NE(error_of(bad.dump()).find("\"cpu_max_freq_khz\" must be a whole number"), std::string::npos)
      << error_of(bad.dump());
}

TEST(ProfileDocument, BadIdleGapsAndTruncationNameTheFileAndWhatIsWrong) {
  auto r = record(1, {3.0});
  r.idle_gaps = {{20.0, {4.0}, {}}, {100.0, {5.0}, {}}};
  std::stringstream text;
  write_profile_document(text, {r}, "{}");
  const auto good = nlohmann::json::parse(text.str());
  auto json = good;
  json["cells"][0].erase("idle_gaps");  // version 2 must have them
  EXPECT_NE(error_of(json.dump()).find("profile 'p.json', cell 0: \"idle_gaps\" is missing"), std::string::npos)
      << error_of(json.dump());
  json = good;
  json["cells"][0]["idle_gaps"][1]["gap_ms"] = 10.0;  // below the previous 20 ms
  EXPECT_NE(error_of(json.dump()).find("cell 0, idle_gaps[1]: \"gap_ms\" must be larger than the previous gap's"),
            std::string::npos)
      << error_of(json.dump());
  json = good;
  json["cells"][0]["idle_gaps"][0]["gap_ms"] = 0.0;
  EXPECT_NE(error_of(json.dump()).find("\"gap_ms\" must be > 0 ms"), std::string::npos);
  json = good;
  json["cells"][0]["idle_gaps"][0]["latency_samples_ms"] = nlohmann::json::array();
  EXPECT_NE(error_of(json.dump()).find("idle_gaps[0]: \"latency_samples_ms\" must be a non-empty array"),
            std::string::npos);
  const auto whole = text.str();
  const auto truncated = error_of(whole.substr(0, whole.size() / 2));
  EXPECT_NE(truncated.find("profile 'p.json' is not valid JSON (truncated or damaged?)"), std::string::npos)
      << truncated;
}

}  // namespace
}  // namespace greenbatch::profile
