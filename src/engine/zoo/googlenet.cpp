// GoogLeNet, as torchvision.models.googlenet builds it for its published weights
// (transform_input=True, aux_logits=False).
#include "families.h"
#include "inception_blocks.h"

namespace greenbatch::engine::zoo {
namespace {

namespace nn = torch::nn;

/// Max pool with kernel `k`, stride `s`, padding `p` and ceil_mode, as GoogLeNet uses.
torch::Tensor max_pool_ceil(const torch::Tensor& x, std::int64_t k, std::int64_t s, std::int64_t p = 0) {
  return torch::max_pool2d(x, {k, k}, {s, s}, {p, p}, {1, 1}, /*ceil_mode=*/true);
}

/// GoogLeNet's Inception block: four branches (1x1; 1x1 then 3x3; 1x1 then 3x3 where the paper
/// has 5x5, as torchvision keeps it; 3x3 max pool then 1x1) concatenated on channels. Branches
/// 2-4 are nn.Sequential in torchvision, hence children "0" and "1".
class InceptionImpl : public nn::Module {
 public:
  /// Channel counts named as in torchvision.
  InceptionImpl(std::int64_t in, std::int64_t ch1x1, std::int64_t ch3x3red, std::int64_t ch3x3, std::int64_t ch5x5red,
                std::int64_t ch5x5, std::int64_t pool_proj)
      : branch1(register_module("branch1", BasicConv2d(in, ch1x1, 1))),
        branch2_reduce(in, ch3x3red, 1),
        branch2_conv(ch3x3red, ch3x3, 3, 1, 1),
        branch3_reduce(in, ch5x5red, 1),
        branch3_conv(ch5x5red, ch5x5, 3, 1, 1),
        branch4_proj(in, pool_proj, 1) {
    register_module("branch2", nn::Sequential(branch2_reduce, branch2_conv));
    register_module("branch3", nn::Sequential(branch3_reduce, branch3_conv));
    register_module(
        "branch4",
        nn::Sequential(nn::MaxPool2d(nn::MaxPool2dOptions(3).stride(1).padding(1).ceil_mode(true)), branch4_proj));
  }

  /// The four branches concatenated.
  torch::Tensor forward(const torch::Tensor& x) {
    return cat_({branch1->forward(x), branch2_conv->forward(branch2_reduce->forward(x)),
                 branch3_conv->forward(branch3_reduce->forward(x)), branch4_proj->forward(max_pool_ceil(x, 3, 1, 1))});
  }

 private:
  BasicConv2d branch1;         ///< "branch1"
  BasicConv2d branch2_reduce;  ///< "branch2.0"
  BasicConv2d branch2_conv;    ///< "branch2.1"
  BasicConv2d branch3_reduce;  ///< "branch3.0"
  BasicConv2d branch3_conv;    ///< "branch3.1"
  BasicConv2d branch4_proj;    ///< "branch4.1" (after the max pool "branch4.0")
  ChannelConcat cat_;          ///< the four branches joined
};
TORCH_MODULE(Inception);

/// torchvision.models.GoogLeNet with transform_input=True and no auxiliary classifiers.
class GoogLeNet : public ZooNet {
 public:
  /// Builds the layers in torchvision's order; weights truncated normal with std 0.01.
  GoogLeNet()
      : conv1(register_module("conv1", BasicConv2d(3, 64, 7, 2, 3))),
        conv2(register_module("conv2", BasicConv2d(64, 64, 1))),
        conv3(register_module("conv3", BasicConv2d(64, 192, 3, 1, 1))),
        inception3a(register_module("inception3a", Inception(192, 64, 96, 128, 16, 32, 32))),
        inception3b(register_module("inception3b", Inception(256, 128, 128, 192, 32, 96, 64))),
        inception4a(register_module("inception4a", Inception(480, 192, 96, 208, 16, 48, 64))),
        inception4b(register_module("inception4b", Inception(512, 160, 112, 224, 24, 64, 64))),
        inception4c(register_module("inception4c", Inception(512, 128, 128, 256, 24, 64, 64))),
        inception4d(register_module("inception4d", Inception(512, 112, 144, 288, 32, 64, 64))),
        inception4e(register_module("inception4e", Inception(528, 256, 160, 320, 32, 128, 128))),
        inception5a(register_module("inception5a", Inception(832, 256, 160, 320, 32, 128, 128))),
        inception5b(register_module("inception5b", Inception(832, 384, 192, 384, 48, 128, 128))),
        fc(register_module("fc", nn::Linear(1024, 1000))) {
    init_truncated_normal(*this, [](const nn::Module&) { return 0.01; });
  }

  /// Logits of the main classifier (dropout is the identity in eval).
  torch::Tensor forward(torch::Tensor x) override {
    x = max_pool_ceil(conv1->forward(transform_input(x)), 3, 2);
    x = max_pool_ceil(conv3->forward(conv2->forward(x)), 3, 2);
    x = max_pool_ceil(inception3b->forward(inception3a->forward(x)), 3, 2);
    x = inception4c->forward(inception4b->forward(inception4a->forward(x)));
    x = max_pool_ceil(inception4e->forward(inception4d->forward(x)), 2, 2);
    x = inception5b->forward(inception5a->forward(x));
    return fc->forward(to_float(torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1)));
  }

  /// Folds every batch norm into its convolution.
  void fuse_for_inference() override { fuse_basic_convs(*this); }

 private:
  BasicConv2d conv1;      ///< 7x7 stem
  BasicConv2d conv2;      ///< 1x1
  BasicConv2d conv3;      ///< 3x3
  Inception inception3a;  ///< 28x28 stage
  Inception inception3b;  ///< 28x28 stage
  Inception inception4a;  ///< 14x14 stage
  Inception inception4b;  ///< 14x14 stage
  Inception inception4c;  ///< 14x14 stage
  Inception inception4d;  ///< 14x14 stage
  Inception inception4e;  ///< 14x14 stage
  Inception inception5a;  ///< 7x7 stage
  Inception inception5b;  ///< 7x7 stage
  nn::Linear fc;          ///< classifier
};

}  // namespace

ZooNetPtr make_googlenet() { return std::make_shared<GoogLeNet>(); }

}  // namespace greenbatch::engine::zoo
