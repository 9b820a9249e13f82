// oneDNN's blocked layout: the ReLU6 operator of TorchScript's frozen graphs, called directly.
#include "blocked_layout.h"

#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/ir/irparser.h>

#include <memory>

namespace greenbatch::engine::zoo {
namespace {

// prim::MKLDNNHardTanh_ takes its bounds as node attributes, so it is made from a one-node graph
// once; its operation is then called like any boxed operator.
torch::jit::Operation make_relu6_operation() {
  auto graph = std::make_shared<torch::jit::Graph>();
  torch::jit::parseIR(R"IR(
graph(%x : Tensor):
  %y : Tensor = prim::MKLDNNHardTanh_[min_val=0., max_val=6.](%x)
  return (%y))IR",
                      graph.get());
  return graph->return_node()->input(0)->node()->getOperation();
}

}  // namespace

bool runs_in_blocked_layout(const torch::Tensor& x) {
  return at::hasMKLDNN() && x.is_cpu() && x.layout() == torch::kStrided && x.scalar_type() == torch::kFloat;
}

torch::Tensor relu6_blocked_(torch::Tensor x) {
  static torch::jit::Operation relu6 = make_relu6_operation();  // calls only read it
  torch::jit::Stack stack{std::move(x)};
  relu6(stack);
  return stack.at(0).toTensor();
}

torch::Tensor global_average_blocked(const torch::Tensor& x) {
  return torch::adaptive_avg_pool2d(x, {1, 1}).to_dense().flatten(1);
}

}  // namespace greenbatch::engine::zoo
