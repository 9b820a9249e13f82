// Maps zoo names to their builders.
#include <array>
#include <string_view>

#include "families.h"
#include "greenbatch/core/error.h"
#include "greenbatch/engine/model_catalog.h"
#include "zoo_net.h"

namespace greenbatch::engine::zoo {
namespace {

struct Entry {
  std::string_view name;
  ZooNetPtr (*build)();
};

constexpr std::array kBuilders{
    Entry{"alexnet", make_alexnet},
    Entry{"vgg16", make_vgg16},
    Entry{"googlenet", make_googlenet},
    Entry{"resnet50", make_resnet50},
    Entry{"inception_v3", make_inception_v3},
    Entry{"squeezenet1_1", make_squeezenet1_1},
    Entry{"densenet201", make_densenet201},
    Entry{"resnext50_32x4d", make_resnext50_32x4d},
    Entry{"mobilenet_v2", make_mobilenet_v2},
    Entry{"shufflenet_v2_x1_0", make_shufflenet_v2_x1_0},
    Entry{"mnasnet1_0", make_mnasnet1_0},
    Entry{"mobilenet_v3_large", make_mobilenet_v3_large},
    Entry{"efficientnet_b0", make_efficientnet_b0},
    Entry{"regnet_y_1_6gf", make_regnet_y_1_6gf},
    Entry{"vit_b_16", make_vit_b_16},
    Entry{"swin_t", make_swin_t},
    Entry{"efficientnet_v2_s", make_efficientnet_v2_s},
    Entry{"convnext_base", make_convnext_base},
    Entry{"maxvit_t", make_maxvit_t},
};

}  // namespace

ZooNetPtr build_zoo_net(std::string_view name) {
  for (const auto& entry : kBuilders) {
    if (entry.name == name) {
      auto net = entry.build();
      net->eval();
      return net;
    }
  }
  (void)find_model(name);  // throws InputError listing the valid names
  throw InputError("model '" + std::string(name) + "' is in the table but has no builder");
}

}  // namespace greenbatch::engine::zoo
