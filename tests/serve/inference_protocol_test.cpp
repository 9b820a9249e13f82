// Open Inference Protocol bodies: JSON and binary FP32, base64 and binary BYTES, outputs and
// classification, and each malformed request refused with 400 naming what was expected.
#include "greenbatch/serve/inference_protocol.h"

#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "support/error_message.h"

namespace greenbatch::serve {
namespace {

using nlohmann::json;

const ModelSignature kSig{"m", "torch", {1, 2, 2}, 3};

json fp32_request(std::vector<float> data, json shape = {1, 1, 2, 2}) {
  return {{"id", "r1"}, {"inputs", {{{"name", "input"}, {"datatype", "FP32"}, {"shape", shape}, {"data", data}}}}};
}

std::string refusal(const std::string& body, std::optional<std::size_t> json_length = std::nullopt) {
  try {
    parse_infer_request(body, json_length, kSig);
  } catch (const RequestError& e) {
    EXPECT_EQ(e.status(), 400) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "accepted: " << body.substr(0, 200);
  return {};
}

TEST(InferenceProtocol, ParsesJsonFp32FlatAndNested) {
  const auto flat = parse_infer_request(fp32_request({1, 2, 3, 4}).dump(), std::nullopt, kSig);
  EXPECT_EQ(flat.id, "r1");
  EXPECT_EQ(flat.input.tensor, (std::vector<float>{1, 2, 3, 4}));
  json nested = fp32_request({});
  nested["inputs"][0]["data"] = json::array({json::array({json::array({1, 2}), json::array({3, 4})})});
  EXPECT_EQ(parse_infer_request(nested.dump(), std::nullopt, kSig).input.tensor, (std::vector<float>{1, 2, 3, 4}));
  EXPECT_FALSE(flat.classification);
  EXPECT_FALSE(flat.binary_output);
}

TEST(InferenceProtocol, ParsesBinaryFp32AndBinaryOutputRequest) {
  const std::vector<float> values{0.5F, -1.0F, 2.0F, 8.0F};
  json head = {{"inputs",
                {{{"name", "input"},
                  {"datatype", "FP32"},
                  {"shape", {1, 1, 2, 2}},
                  {"parameters", {{"binary_data_size", 16}}}}}},
               {"outputs", {{{"name", "logits"}, {"parameters", {{"binary_data", true}}}}}}};
  std::string body = head.dump();
  const auto length = body.size();
  body.append(reinterpret_cast<const char*>(values.data()), 16);
  const auto request = parse_infer_request(body, length, kSig);
  EXPECT_EQ(request.input.tensor, values);
  EXPECT_TRUE(request.binary_output);
}

TEST(InferenceProtocol, ParsesBase64AndBinaryBytes) {
  json request = {{"inputs", {{{"name", "input"}, {"datatype", "BYTES"}, {"shape", {1}}, {"data", {"aGVsbG8="}}}}}};
  EXPECT_EQ(parse_infer_request(request.dump(), std::nullopt, kSig).input.image,
            (std::vector<std::uint8_t>{'h', 'e', 'l', 'l', 'o'}));
  request["inputs"][0]["data"] = {"aGVsbG8"};  // unpadded
  EXPECT_EQ(parse_infer_request(request.dump(), std::nullopt, kSig).input.image.size(), 5U);

  json head = {
      {"inputs",
       {{{"name", "input"}, {"datatype", "BYTES"}, {"shape", {1}}, {"parameters", {{"binary_data_size", 7}}}}}}};
  std::string body = head.dump();
  const auto length = body.size();
  const std::uint32_t n = 3;
  body.append(reinterpret_cast<const char*>(&n), 4);
  body += "abc";
  EXPECT_EQ(parse_infer_request(body, length, kSig).input.image, (std::vector<std::uint8_t>{'a', 'b', 'c'}));
}

TEST(InferenceProtocol, RefusesMalformedRequestsNamingTheExpectedForm) {
  EXPECT_NE(refusal("{not json").find("not valid JSON"), std::string::npos);
  EXPECT_NE(refusal("[1,2]").find("JSON object"), std::string::npos);
  EXPECT_NE(refusal(R"({"inputs": []})").find("exactly one input"), std::string::npos);
  auto wrong_name = fp32_request({1, 2, 3, 4});
  wrong_name["inputs"][0]["name"] = "x";
  EXPECT_NE(refusal(wrong_name.dump()).find("expected \"input\""), std::string::npos);
  EXPECT_NE(refusal(fp32_request({1, 2, 3, 4}, {1, 1, 4}).dump()).find("expected [1,1,2,2]"), std::string::npos);
  EXPECT_NE(refusal(fp32_request({1, 2, 3}).dump()).find("holds 3 values"), std::string::npos);
  EXPECT_NE(refusal(fp32_request({1, 2, 3, 4, 5}).dump()).find("more than 4"), std::string::npos);
  auto int8 = fp32_request({1, 2, 3, 4});
  int8["inputs"][0]["datatype"] = "INT8";
  EXPECT_NE(refusal(int8.dump()).find("expected FP32"), std::string::npos);
  auto strings = fp32_request({});
  strings["inputs"][0]["data"] = {"a", "b", "c", "d"};
  EXPECT_NE(refusal(strings.dump()).find("non-number"), std::string::npos);
  json bytes = {{"inputs", {{{"name", "input"}, {"datatype", "BYTES"}, {"shape", {1}}, {"data", {"not base64!"}}}}}};
  EXPECT_NE(refusal(bytes.dump()).find("base64"), std::string::npos);
  bytes["inputs"][0]["shape"] = {2};
  EXPECT_NE(refusal(bytes.dump()).find("expected [1]"), std::string::npos);
  auto output = fp32_request({1, 2, 3, 4});
  output["outputs"] = {{{"name", "probabilities"}}};
  EXPECT_NE(refusal(output.dump()).find("\"logits\""), std::string::npos);
  output["outputs"] = {{{"name", "logits"}, {"parameters", {{"classification", 0}}}}};
  EXPECT_NE(refusal(output.dump()).find("positive integer"), std::string::npos);
  auto binary = fp32_request({});
  binary["inputs"][0].erase("data");
  binary["inputs"][0]["parameters"] = {{"binary_data_size", 16}};
  EXPECT_NE(refusal(binary.dump()).find("Inference-Header-Content-Length"), std::string::npos);
  const auto head = binary.dump();
  EXPECT_NE(refusal(head + "abc", head.size()).find("only 3 bytes"), std::string::npos);
  EXPECT_NE(refusal(head, head.size() + 1).find("exceeds"), std::string::npos);
  const auto plain = fp32_request({1, 2, 3, 4}).dump();
  EXPECT_NE(refusal(plain + "xx", plain.size()).find("unread"), std::string::npos);
  EXPECT_NE(refusal(std::string(100000, '[')).find("not valid JSON"), std::string::npos);
}

TEST(InferenceProtocol, EncodesLogitsClassificationAndBinaryOutput) {
  const std::vector<float> logits{0.25F, 3.0F, -1.0F};
  ResponseParameters params{1.5, 2.5, 4, 0.125, "rapl", 0.0625, 9};
  auto request = parse_infer_request(fp32_request({1, 2, 3, 4}).dump(), std::nullopt, kSig);
  const auto plain = encode_infer_response(request, logits, params, kSig);
  EXPECT_FALSE(plain.json_length);
  const auto body = json::parse(plain.body);
  EXPECT_EQ(body["id"], "r1");
  EXPECT_EQ(body["outputs"][0]["shape"], json({1, 3}));
  EXPECT_EQ(body["outputs"][0]["data"].get<std::vector<float>>(), logits);
  EXPECT_EQ(body["parameters"]["batch_size"], 4);
  EXPECT_EQ(body["parameters"]["batch_id"], 9);
  EXPECT_EQ(body["parameters"]["energy_source"], "rapl");
  EXPECT_DOUBLE_EQ(body["parameters"]["energy_j"].get<double>(), 0.125);
  EXPECT_DOUBLE_EQ(body["parameters"]["dynamic_energy_j"].get<double>(), 0.0625);

  request.classification = 2;
  const auto top = json::parse(encode_infer_response(request, logits, params, kSig).body);
  EXPECT_EQ(top["outputs"][0]["datatype"], "BYTES");
  EXPECT_EQ(top["outputs"][0]["data"], json({"3:1:class 1", "0.25:0:class 0"}));

  request.classification.reset();
  request.binary_output = true;
  const auto binary = encode_infer_response(request, logits, params, kSig);
  ASSERT_TRUE(binary.json_length);
  const auto head = json::parse(binary.body.substr(0, *binary.json_length));
  EXPECT_EQ(head["outputs"][0]["parameters"]["binary_data_size"], 12);
  std::vector<float> back(3);
  ASSERT_EQ(binary.body.size() - *binary.json_length, 12U);
  std::memcpy(back.data(), binary.body.data() + *binary.json_length, 12);
  EXPECT_EQ(back, logits);
}

TEST(InferenceProtocol, MetadataNamesTheInputAndOutput) {
  const auto meta = json::parse(model_metadata_json(kSig));
  EXPECT_EQ(meta["name"], "m");
  EXPECT_EQ(meta["inputs"][0]["shape"], json({-1, 1, 2, 2}));
  EXPECT_EQ(meta["outputs"][0]["shape"], json({-1, 3}));
  EXPECT_FALSE(meta.contains("parameters"));  // no policy given
  auto with_policy = kSig;
  with_policy.policy = "dynamic:16,5";
  EXPECT_EQ(json::parse(model_metadata_json(with_policy))["parameters"]["batching_policy"], "dynamic:16,5");
  EXPECT_EQ(json::parse(error_json("bad \"x\""))["error"], "bad \"x\"");
  EXPECT_EQ(json::parse(server_metadata_json())["name"], "greenbatch");
}

}  // namespace
}  // namespace greenbatch::serve
