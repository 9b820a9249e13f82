// ResNet-50 and ResNeXt-50 32x4d: torchvision's ResNet with Bottleneck blocks.
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "conv_bn.h"
#include "families.h"
#include "int8.h"
#include "layers.h"

namespace greenbatch::engine::zoo {
namespace {

namespace nn = torch::nn;

/// Options of a convolution without bias, as torchvision's conv1x1 / conv3x3 make.
nn::Conv2dOptions conv_options(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride = 1,
                               std::int64_t groups = 1) {
  return nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2).groups(groups).bias(false);
}

/// Channels of a Bottleneck's 3x3 convolution: int(planes * (base_width / 64.0)) * groups.
std::int64_t bottleneck_width(std::int64_t planes, std::int64_t groups, std::int64_t base_width) {
  return static_cast<std::int64_t>(static_cast<double>(planes) * (static_cast<double>(base_width) / 64.0)) * groups;
}

/// torchvision's Bottleneck (ResNet v1.5: the stride sits on the 3x3 convolution):
/// relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x))))))) + identity), identity being x or
/// downsample(x).
class BottleneckImpl : public nn::Module {
 public:
  /// `in` to `out` channels through `width` (in `groups` groups for the 3x3); `downsample`
  /// (conv1x1 + bn as "downsample.0"/"downsample.1") is null when the identity fits. Takes
  /// `downsample` already built, as torchvision builds it before the block.
  BottleneckImpl(std::int64_t in, std::int64_t width, std::int64_t out, std::int64_t stride, std::int64_t groups,
                 ConvNormAct downsample_in)
      : c1(*this, "conv1", "bn1", conv_options(in, width, 1)),
        c2(*this, "conv2", "bn2", conv_options(width, width, 3, stride, groups)),
        c3(*this, "conv3", "bn3", conv_options(width, out, 1)),
        downsample(std::move(downsample_in)) {
    if (downsample) register_module("downsample", downsample);
  }

  /// The residual block.
  torch::Tensor forward(const torch::Tensor& x) {
    auto out = c1(x, Act::relu);
    out = c2(out, Act::relu);
    out = c3(out);
    return sum_(out, downsample ? downsample->forward(x) : x, /*relu=*/true);
  }

  /// Folds every batch norm into its convolution.
  void fuse() {
    c1.fuse();
    c2.fuse();
    c3.fuse();
    if (downsample) downsample->fuse();
  }

 private:
  ConvBn c1;                        ///< conv1, bn1: 1x1 reduce
  ConvBn c2;                        ///< conv2, bn2: 3x3 (grouped for ResNeXt), strided
  ConvBn c3;                        ///< conv3, bn3: 1x1 expand
  ConvNormAct downsample{nullptr};  ///< projection of the identity, or null
  ResidualSum sum_;                 ///< relu(out + identity)
};
TORCH_MODULE(Bottleneck);

/// torchvision.models.ResNet with Bottleneck blocks: stem (conv1, bn1, max pool), four stages
/// "layer1".."layer4" (nn.Sequential of blocks), average pool and "fc".
class ResNet : public ZooNet {
 public:
  /// `blocks` per stage; `groups` and `width_per_group` as torchvision takes them (1 and 64 for
  /// ResNet, 32 and 4 for ResNeXt 32x4d). Applies torchvision's ResNet initialisation.
  ResNet(const std::array<std::int64_t, 4>& blocks, std::int64_t groups, std::int64_t width_per_group)
      : stem(*this, "conv1", "bn1", nn::Conv2dOptions(3, 64, 7).stride(2).padding(3).bias(false)) {
    std::int64_t in = 64;
    for (std::size_t stage = 0; stage < blocks.size(); ++stage) {
      const std::int64_t planes = std::int64_t{64} << stage;
      nn::Sequential layer;
      for (std::int64_t i = 0; i < blocks[stage]; ++i) {
        const std::int64_t stride = (i == 0 && stage > 0) ? 2 : 1;
        ConvNormAct downsample{nullptr};
        if (stride != 1 || in != planes * 4) {
          ConvNormActOptions projection;  // conv1x1 + bn, no activation
          projection.in = in;
          projection.out = planes * 4;
          projection.kernel = 1;
          projection.stride = stride;
          projection.act = Act::none;
          downsample = ConvNormAct(projection);
        }
        blocks_.emplace_back(in, bottleneck_width(planes, groups, width_per_group), planes * 4, stride, groups,
                             downsample);
        layer->push_back(blocks_.back());
        in = planes * 4;
      }
      register_module("layer" + std::to_string(stage + 1), layer);
    }
    fc = register_module("fc", nn::Linear(512 * 4, 1000));
    // torchvision: conv kaiming-normal (fan_out, relu); bn 1, 0; fc keeps PyTorch's default. Applied
    // child by child: init_conv_and_norm visits its argument itself, which *this under
    // construction cannot offer.
    for (const auto& child : children()) init_conv_and_norm(*child);
  }

  /// Logits.
  torch::Tensor forward(torch::Tensor x) override {
    // Dilation given in full: LibTorch's int8 max pool reads two values where the float one widens one.
    x = torch::max_pool2d(stem(x, Act::relu), {3, 3}, {2, 2}, {1, 1}, {1, 1});
    for (auto& block : blocks_) x = block->forward(x);
    return fc->forward(to_float(torch::adaptive_avg_pool2d(x, {1, 1}).flatten(1)));
  }

  /// Folds every batch norm into its convolution.
  void fuse_for_inference() override {
    stem.fuse();
    for (auto& block : blocks_) block->fuse();
  }

 private:
  ConvBn stem;                      ///< conv1, bn1
  std::vector<Bottleneck> blocks_;  ///< the blocks of layer1..layer4, in order
  nn::Linear fc{nullptr};           ///< classifier
};

}  // namespace

ZooNetPtr make_resnet50() { return std::make_shared<ResNet>(std::array<std::int64_t, 4>{3, 4, 6, 3}, 1, 64); }

ZooNetPtr make_resnext50_32x4d() { return std::make_shared<ResNet>(std::array<std::int64_t, 4>{3, 4, 6, 3}, 32, 4); }

}  // namespace greenbatch::engine::zoo
