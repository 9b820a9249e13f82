// The remote trial's record from the client's requests: arrival at the scheduled time, batches
// rebuilt from the server's ids, send lateness, server energy with its source, faults and status.
#include "greenbatch/trial/remote_trial.h"

#include <gtest/gtest.h>

#include "greenbatch/core/error.h"
#include "greenbatch/serve/inference_protocol.h"

namespace greenbatch::trial {
namespace {

remote::RemoteRequest answered(std::int64_t id, double scheduled, double sent, double done, std::int64_t batch,
                               std::int64_t size, std::optional<double> energy = 0.5) {
  remote::RemoteRequest r;
  r.id = id;
  r.scheduled_s = scheduled;
  r.sent_s = sent;
  r.completed_s = done;
  r.http_status = 200;
  r.server_queue_ms = 1.0;
  r.server_service_ms = 2.0;
  r.server_batch_id = batch;
  r.server_batch_size = size;
  r.server_energy_j = energy;
  r.server_energy_source = "estimate";
  return r;
}

remote::RemoteRequest failed(std::int64_t id, remote::Fault fault, int status = 0) {
  remote::RemoteRequest r;
  r.id = id;
  r.scheduled_s = 0.1 * static_cast<double>(id);
  r.sent_s = r.scheduled_s;
  r.fault = fault;
  r.http_status = status;
  return r;
}

energy::EnergyWindow no_meter() {
  energy::EnergyWindow w;
  w.status = energy::WindowStatus::no_meter;
  w.source = "none";
  return w;
}

TEST(RemoteRecord, AllAnsweredIsOkWithBatchesAndServerEnergy) {
  const auto record = remote_record({answered(0, 0.0, 0.0005, 0.010, 7, 2), answered(1, 0.001, 0.004, 0.011, 7, 2),
                                     answered(2, 0.020, 0.0201, 0.030, 8, 1, 1.0)},
                                    no_meter(), {}, std::nullopt);
  EXPECT_EQ(record.status, TrialStatus::ok);
  ASSERT_EQ(record.requests.size(), 3U);
  for (const auto& r : record.requests) EXPECT_EQ(r.arrival_s, r.scheduled_s);
  EXPECT_DOUBLE_EQ(*record.requests[0].start_s, 0.010 - 0.002);
  ASSERT_EQ(record.batches.size(), 2U);
  EXPECT_EQ(record.batches[0].id, 7);
  EXPECT_EQ(record.batches[0].size, 2);
  EXPECT_DOUBLE_EQ(record.batches[0].end_s, 0.011);
  EXPECT_EQ(record.summary.served, 3);
  EXPECT_DOUBLE_EQ(record.summary.mean_batch_size, 1.5);
  // Send lateness: 3 ms for request 1, the only one above 1 ms.
  EXPECT_NEAR(record.summary.lateness_max_ms, 3.0, 1e-9);
  EXPECT_EQ(record.summary.late_requests, 1);
  // Response from the scheduled time.
  EXPECT_NEAR(*record.summary.response_mean_ms, 10.0, 1e-9);  // from sent it would be 8.8
  ASSERT_TRUE(record.remote);
  EXPECT_DOUBLE_EQ(*record.remote->server_energy_j, 2.0);
  EXPECT_EQ(record.remote->server_energy_source, "estimate");
  EXPECT_EQ(record.remote->request_faults, "");
  EXPECT_EQ(record.remote_requests.size(), 3U);
}

TEST(RemoteRecord, HttpErrorsAndTimeoutsAreRequestsFailed) {
  const auto record = remote_record({answered(0, 0, 0, 0.01, 0, 1), failed(1, remote::Fault::http, 503),
                                     failed(2, remote::Fault::timeout), failed(3, remote::Fault::http, 503)},
                                    no_meter(), {}, std::nullopt);
  EXPECT_EQ(record.status, TrialStatus::requests_failed);
  EXPECT_EQ(record.remote->request_faults, "http_503=2;timeout=1");
  EXPECT_EQ(record.summary.served, 1);
  EXPECT_EQ(record.summary.requests, 4);
  EXPECT_NE(record.status_detail.find("3 of 4 requests failed"), std::string::npos) << record.status_detail;
}

TEST(RemoteRecord, ARefusedOrResetConnectionIsServerFailedAndKeepsTheData) {
  const auto record = remote_record(
      {answered(0, 0, 0, 0.01, 0, 1), failed(1, remote::Fault::reset), failed(2, remote::Fault::refused)}, no_meter(),
      {}, std::nullopt);
  EXPECT_EQ(record.status, TrialStatus::server_failed);
  EXPECT_EQ(record.remote->request_faults, "refused=1;reset=1");
  EXPECT_EQ(record.requests.size(), 3U);
  EXPECT_EQ(record.summary.served, 1);
}

TEST(RemoteRecord, ServerEnergyIsNullUnlessEveryAnswerReportedIt) {
  const auto record = remote_record({answered(0, 0, 0, 0.01, 0, 1), answered(1, 0.1, 0.1, 0.11, 1, 1, std::nullopt)},
                                    no_meter(), {}, std::nullopt);
  EXPECT_FALSE(record.remote->server_energy_j);
  EXPECT_EQ(record.summary.energy_source, "none");  // this machine measured nothing
}

// The bodies the client sends are what greenbatch serve's parser accepts: one JPEG per image as
// BYTES, or one FP32 tensor of the metadata's shape, both with the binary-tensor extension.
TEST(RemoteBodies, ServeParsesImageAndTensorBodies) {
  remote::ServedModel model;
  model.input_name = "input";
  model.input_shape = {-1, 3, 2, 2};
  model.output_name = "logits";
  remote::RemoteSpec spec{.endpoint = remote::parse_endpoint("http://127.0.0.1:1"), .model = "m"};
  const serve::ModelSignature signature{"m", "torch", {3, 2, 2}, 5};
  const auto payload = generated_images(2, 7);
  const auto images = remote_bodies(spec, model, payload);
  ASSERT_EQ(images.size(), 2U);
  for (std::size_t i = 0; i < images.size(); ++i) {
    const auto parsed = serve::parse_infer_request(images[i].bytes, images[i].json_length, signature);
    EXPECT_EQ(parsed.input.image, payload.images[i]);
    EXPECT_TRUE(parsed.binary_output);
  }
  spec.payload = remote::PayloadKind::tensor;
  const auto tensor = remote_bodies(spec, model, payload);
  ASSERT_EQ(tensor.size(), 1U);
  const auto parsed = serve::parse_infer_request(tensor[0].bytes, tensor[0].json_length, signature);
  EXPECT_EQ(parsed.input.tensor.size(), 12U);
  EXPECT_TRUE(parsed.input.image.empty());
  // A model without one FP32 shape cannot take a tensor payload.
  model.input_datatype = "BYTES";
  EXPECT_THROW(remote_bodies(spec, model, payload), InputError);
}

}  // namespace
}  // namespace greenbatch::trial
