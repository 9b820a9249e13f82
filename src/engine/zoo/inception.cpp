// Inception v3, as torchvision.models.inception_v3 builds it for its published weights
// (transform_input=True, aux_logits=True; the auxiliary head is built but unused in eval).
#include <string>

#include "families.h"
#include "inception_blocks.h"

namespace greenbatch::engine::zoo {
namespace {

namespace nn = torch::nn;

/// Registers BasicConv2d(in, out, kernel, stride, padding) on `owner` as `name`.
BasicConv2d conv(nn::Module& owner, const std::string& name, std::int64_t in, std::int64_t out,
                 torch::ExpandingArray<2> kernel, torch::ExpandingArray<2> stride = 1,
                 torch::ExpandingArray<2> padding = 0) {
  return owner.register_module(name, BasicConv2d(in, out, kernel, stride, padding));
}

/// 3x3 average pool, stride 1, padding 1 (count_include_pad, as F.avg_pool2d defaults).
torch::Tensor avg_pool_3x3(const torch::Tensor& x) { return torch::avg_pool2d(x, {3, 3}, {1, 1}, {1, 1}); }

/// 3x3 max pool, stride 2, no padding.
torch::Tensor max_pool_3x3_s2(const torch::Tensor& x) {
  return torch::max_pool2d(x, {3, 3}, {2, 2}, {0, 0}, {1, 1});  // in full: see ResNet's max pool
}

/// InceptionA (35x35): 1x1; 1x1 then 5x5; 1x1 then two 3x3; avg pool then 1x1.
class InceptionAImpl : public nn::Module {
 public:
  /// `in` channels to 224 + `pool_features`.
  InceptionAImpl(std::int64_t in, std::int64_t pool_features)
      : branch1x1(conv(*this, "branch1x1", in, 64, 1)),
        branch5x5_1(conv(*this, "branch5x5_1", in, 48, 1)),
        branch5x5_2(conv(*this, "branch5x5_2", 48, 64, 5, 1, 2)),
        branch3x3dbl_1(conv(*this, "branch3x3dbl_1", in, 64, 1)),
        branch3x3dbl_2(conv(*this, "branch3x3dbl_2", 64, 96, 3, 1, 1)),
        branch3x3dbl_3(conv(*this, "branch3x3dbl_3", 96, 96, 3, 1, 1)),
        branch_pool(conv(*this, "branch_pool", in, pool_features, 1)) {}

  /// The branches concatenated.
  torch::Tensor forward(const torch::Tensor& x) {
    return cat_({branch1x1->forward(x), branch5x5_2->forward(branch5x5_1->forward(x)),
                 branch3x3dbl_3->forward(branch3x3dbl_2->forward(branch3x3dbl_1->forward(x))),
                 branch_pool->forward(avg_pool_3x3(x))});
  }

 private:
  BasicConv2d branch1x1, branch5x5_1, branch5x5_2, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3,
      branch_pool;     ///< named as in torchvision
  ChannelConcat cat_;  ///< the branches joined
};
TORCH_MODULE(InceptionA);

/// InceptionB (35x35 to 17x17): 3x3 stride 2; 1x1 then 3x3 then 3x3 stride 2; max pool.
class InceptionBImpl : public nn::Module {
 public:
  /// `in` channels to 480 + `in`.
  explicit InceptionBImpl(std::int64_t in)
      : branch3x3(conv(*this, "branch3x3", in, 384, 3, 2)),
        branch3x3dbl_1(conv(*this, "branch3x3dbl_1", in, 64, 1)),
        branch3x3dbl_2(conv(*this, "branch3x3dbl_2", 64, 96, 3, 1, 1)),
        branch3x3dbl_3(conv(*this, "branch3x3dbl_3", 96, 96, 3, 2)) {}

  /// The branches concatenated.
  torch::Tensor forward(const torch::Tensor& x) {
    return cat_({branch3x3->forward(x), branch3x3dbl_3->forward(branch3x3dbl_2->forward(branch3x3dbl_1->forward(x))),
                 max_pool_3x3_s2(x)});
  }

 private:
  BasicConv2d branch3x3, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3;  ///< named as in torchvision
  ChannelConcat cat_;                                                     ///< the branches joined
};
TORCH_MODULE(InceptionB);

/// InceptionC (17x17): 1x1; factorised 7x7; double factorised 7x7; avg pool then 1x1.
class InceptionCImpl : public nn::Module {
 public:
  /// `in` channels to 768, with `c7` channels inside the 7x7 branches.
  InceptionCImpl(std::int64_t in, std::int64_t c7)
      : branch1x1(conv(*this, "branch1x1", in, 192, 1)),
        branch7x7_1(conv(*this, "branch7x7_1", in, c7, 1)),
        branch7x7_2(conv(*this, "branch7x7_2", c7, c7, {1, 7}, 1, {0, 3})),
        branch7x7_3(conv(*this, "branch7x7_3", c7, 192, {7, 1}, 1, {3, 0})),
        branch7x7dbl_1(conv(*this, "branch7x7dbl_1", in, c7, 1)),
        branch7x7dbl_2(conv(*this, "branch7x7dbl_2", c7, c7, {7, 1}, 1, {3, 0})),
        branch7x7dbl_3(conv(*this, "branch7x7dbl_3", c7, c7, {1, 7}, 1, {0, 3})),
        branch7x7dbl_4(conv(*this, "branch7x7dbl_4", c7, c7, {7, 1}, 1, {3, 0})),
        branch7x7dbl_5(conv(*this, "branch7x7dbl_5", c7, 192, {1, 7}, 1, {0, 3})),
        branch_pool(conv(*this, "branch_pool", in, 192, 1)) {}

  /// The branches concatenated.
  torch::Tensor forward(const torch::Tensor& x) {
    auto dbl = branch7x7dbl_3->forward(branch7x7dbl_2->forward(branch7x7dbl_1->forward(x)));
    dbl = branch7x7dbl_5->forward(branch7x7dbl_4->forward(dbl));
    return cat_({branch1x1->forward(x), branch7x7_3->forward(branch7x7_2->forward(branch7x7_1->forward(x))), dbl,
                 branch_pool->forward(avg_pool_3x3(x))});
  }

 private:
  BasicConv2d branch1x1, branch7x7_1, branch7x7_2, branch7x7_3, branch7x7dbl_1, branch7x7dbl_2, branch7x7dbl_3,
      branch7x7dbl_4, branch7x7dbl_5, branch_pool;  ///< named as in torchvision
  ChannelConcat cat_;                               ///< the branches joined
};
TORCH_MODULE(InceptionC);

/// InceptionD (17x17 to 8x8): 1x1 then 3x3 stride 2; 1x1, 1x7, 7x1, 3x3 stride 2; max pool.
class InceptionDImpl : public nn::Module {
 public:
  /// `in` channels to 512 + `in`.
  explicit InceptionDImpl(std::int64_t in)
      : branch3x3_1(conv(*this, "branch3x3_1", in, 192, 1)),
        branch3x3_2(conv(*this, "branch3x3_2", 192, 320, 3, 2)),
        branch7x7x3_1(conv(*this, "branch7x7x3_1", in, 192, 1)),
        branch7x7x3_2(conv(*this, "branch7x7x3_2", 192, 192, {1, 7}, 1, {0, 3})),
        branch7x7x3_3(conv(*this, "branch7x7x3_3", 192, 192, {7, 1}, 1, {3, 0})),
        branch7x7x3_4(conv(*this, "branch7x7x3_4", 192, 192, 3, 2)) {}

  /// The branches concatenated.
  torch::Tensor forward(const torch::Tensor& x) {
    auto b7 = branch7x7x3_2->forward(branch7x7x3_1->forward(x));
    b7 = branch7x7x3_4->forward(branch7x7x3_3->forward(b7));
    return cat_({branch3x3_2->forward(branch3x3_1->forward(x)), b7, max_pool_3x3_s2(x)});
  }

 private:
  BasicConv2d branch3x3_1, branch3x3_2, branch7x7x3_1, branch7x7x3_2, branch7x7x3_3,
      branch7x7x3_4;   ///< named as in torchvision
  ChannelConcat cat_;  ///< the branches joined
};
TORCH_MODULE(InceptionD);

/// InceptionE (8x8): 1x1; 1x1 split into 1x3 and 3x1; 1x1, 3x3 split into 1x3 and 3x1;
/// avg pool then 1x1.
class InceptionEImpl : public nn::Module {
 public:
  /// `in` channels to 2048.
  explicit InceptionEImpl(std::int64_t in)
      : branch1x1(conv(*this, "branch1x1", in, 320, 1)),
        branch3x3_1(conv(*this, "branch3x3_1", in, 384, 1)),
        branch3x3_2a(conv(*this, "branch3x3_2a", 384, 384, {1, 3}, 1, {0, 1})),
        branch3x3_2b(conv(*this, "branch3x3_2b", 384, 384, {3, 1}, 1, {1, 0})),
        branch3x3dbl_1(conv(*this, "branch3x3dbl_1", in, 448, 1)),
        branch3x3dbl_2(conv(*this, "branch3x3dbl_2", 448, 384, 3, 1, 1)),
        branch3x3dbl_3a(conv(*this, "branch3x3dbl_3a", 384, 384, {1, 3}, 1, {0, 1})),
        branch3x3dbl_3b(conv(*this, "branch3x3dbl_3b", 384, 384, {3, 1}, 1, {1, 0})),
        branch_pool(conv(*this, "branch_pool", in, 192, 1)) {}

  /// The branches concatenated (the split branches flattened into one concatenation, which
  /// orders channels exactly as torchvision's nested one).
  torch::Tensor forward(const torch::Tensor& x) {
    const auto b3 = branch3x3_1->forward(x);
    const auto dbl = branch3x3dbl_2->forward(branch3x3dbl_1->forward(x));
    return cat_({branch1x1->forward(x), branch3x3_2a->forward(b3), branch3x3_2b->forward(b3),
                 branch3x3dbl_3a->forward(dbl), branch3x3dbl_3b->forward(dbl), branch_pool->forward(avg_pool_3x3(x))});
  }

 private:
  BasicConv2d branch1x1, branch3x3_1, branch3x3_2a, branch3x3_2b, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3a,
      branch3x3dbl_3b, branch_pool;  ///< named as in torchvision
  ChannelConcat cat_;                ///< the branches joined
};
TORCH_MODULE(InceptionE);

/// InceptionAux: the auxiliary classifier on the 17x17 features. Only training uses it; it is
/// built so that parameters and weight files match torchvision's.
class InceptionAuxImpl : public nn::Module {
 public:
  /// Auxiliary head over `in` channels.
  explicit InceptionAuxImpl(std::int64_t in)
      : conv0(conv(*this, "conv0", in, 128, 1)),
        conv1(conv(*this, "conv1", 128, 768, 5)),
        fc(register_module("fc", nn::Linear(768, 1000))) {}

  BasicConv2d conv0;  ///< 1x1
  BasicConv2d conv1;  ///< 5x5
  nn::Linear fc;      ///< auxiliary classifier (initialised with std 0.001)
};
TORCH_MODULE(InceptionAux);

/// torchvision.models.Inception3 with transform_input=True and aux_logits=True.
class InceptionV3 : public ZooNet {
 public:
  /// Builds the layers in torchvision's order and applies its truncated-normal initialisation.
  InceptionV3()
      : Conv2d_1a_3x3(conv(*this, "Conv2d_1a_3x3", 3, 32, 3, 2)),
        Conv2d_2a_3x3(conv(*this, "Conv2d_2a_3x3", 32, 32, 3)),
        Conv2d_2b_3x3(conv(*this, "Conv2d_2b_3x3", 32, 64, 3, 1, 1)),
        Conv2d_3b_1x1(conv(*this, "Conv2d_3b_1x1", 64, 80, 1)),
        Conv2d_4a_3x3(conv(*this, "Conv2d_4a_3x3", 80, 192, 3)),
        Mixed_5b(register_module("Mixed_5b", InceptionA(192, 32))),
        Mixed_5c(register_module("Mixed_5c", InceptionA(256, 64))),
        Mixed_5d(register_module("Mixed_5d", InceptionA(288, 64))),
        Mixed_6a(register_module("Mixed_6a", InceptionB(288))),
        Mixed_6b(register_module("Mixed_6b", InceptionC(768, 128))),
        Mixed_6c(register_module("Mixed_6c", InceptionC(768, 160))),
        Mixed_6d(register_module("Mixed_6d", InceptionC(768, 160))),
        Mixed_6e(register_module("Mixed_6e", InceptionC(768, 192))),
        AuxLogits(register_module("AuxLogits", InceptionAux(768))),
        Mixed_7a(register_module("Mixed_7a", InceptionD(768))),
        Mixed_7b(register_module("Mixed_7b", InceptionE(1280))),
        Mixed_7c(register_module("Mixed_7c", InceptionE(2048))),
        fc(register_module("fc", nn::Linear(2048, 1000))) {
    // torchvision reads a `stddev` attribute of each Conv2d/Linear, defaulting to 0.1; only
    // AuxLogits.fc carries one (0.001) that it sees: AuxLogits.conv1's 0.01 is set on the
    // BasicConv2d, not on its Conv2d, so that convolution gets 0.1 too.
    const nn::Module* aux_fc = AuxLogits->fc.get();
    init_truncated_normal(*this, [aux_fc](const nn::Module& m) { return &m == aux_fc ? 0.001 : 0.1; });
  }

  /// Main logits (the auxiliary head and dropout are training-only).
  torch::Tensor forward(torch::Tensor x) override {
    x = Conv2d_2b_3x3->forward(Conv2d_2a_3x3->forward(Conv2d_1a_3x3->forward(transform_input(x))));
    x = max_pool_3x3_s2(Conv2d_4a_3x3->forward(Conv2d_3b_1x1->forward(max_pool_3x3_s2(x))));
    x = Mixed_5d->forward(Mixed_5c->forward(Mixed_5b->forward(x)));
    x = Mixed_6e->forward(Mixed_6d->forward(Mixed_6c->forward(Mixed_6b->forward(Mixed_6a->forward(x)))));
    x = Mixed_7c->forward(Mixed_7b->forward(Mixed_7a->forward(x)));
    return fc->forward(to_float(torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1)));
  }

  /// Folds every batch norm into its convolution.
  void fuse_for_inference() override { fuse_basic_convs(*this); }

 private:
  // Named as torchvision names them.
  BasicConv2d Conv2d_1a_3x3, Conv2d_2a_3x3, Conv2d_2b_3x3, Conv2d_3b_1x1, Conv2d_4a_3x3;  ///< stem
  InceptionA Mixed_5b, Mixed_5c, Mixed_5d;                                                ///< 35x35 blocks
  InceptionB Mixed_6a;                                                                    ///< reduction to 17x17
  InceptionC Mixed_6b, Mixed_6c, Mixed_6d, Mixed_6e;                                      ///< 17x17 blocks
  InceptionAux AuxLogits;         ///< auxiliary head (training only)
  InceptionD Mixed_7a;            ///< reduction to 8x8
  InceptionE Mixed_7b, Mixed_7c;  ///< 8x8 blocks
  nn::Linear fc;                  ///< classifier
};

}  // namespace

ZooNetPtr make_inception_v3() { return std::make_shared<InceptionV3>(); }

}  // namespace greenbatch::engine::zoo
