// Parameter and FLOP counts of built zoo models.
#include <torch/torch.h>

#include "flop_counter.h"
#include "greenbatch/engine/model_catalog.h"
#include "torch_api.h"
#include "zoo/zoo_net.h"

namespace greenbatch::engine {

ZooModelStats in_plugin::count_zoo_model(std::string_view name) {
  const auto& info = find_model(name);
  c10::InferenceMode inference;
  const auto net = zoo::build_zoo_net(name);
  ZooModelStats stats;
  for (const auto& p : net->parameters()) stats.params += p.numel();
  const auto crop = info.preprocessing.crop;
  const auto input = torch::zeros({1, 3, crop, crop});
  const FlopCounter counter;
  (void)net->forward(input);
  stats.flops = counter.flops();
  return stats;
}

}  // namespace greenbatch::engine
