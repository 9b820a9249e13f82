// Cost of preparing one request's image: JPEG decode, resize, centre crop, normalise.
#include <benchmark/benchmark.h>

#include "greenbatch/engine/generated_images.h"
#include "greenbatch/engine/preprocess.h"

namespace {

using greenbatch::engine::Preprocessing;

void BM_DecodeJpeg500x375(benchmark::State& state) {
  const auto jpegs = greenbatch::engine::generate_jpeg_images(8);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(greenbatch::engine::decode_image_bytes(jpegs[i++ % jpegs.size()], "bench"));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeJpeg500x375);

void BM_Preprocess500x375To224(benchmark::State& state) {
  const auto image = greenbatch::engine::decode_image_bytes(greenbatch::engine::generate_jpeg_images(1)[0], "bench");
  std::vector<float> out(3 * 224 * 224);
  const Preprocessing spec;
  for (auto _ : state) {
    greenbatch::engine::preprocess_into(image, spec, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Preprocess500x375To224);

}  // namespace
