#pragma once
/// Internal to engine: one builder per zoo model, defined in the file of its family.

#include "zoo_net.h"

namespace greenbatch::engine::zoo {

ZooNetPtr make_alexnet();             ///< alexnet.cpp
ZooNetPtr make_vgg16();               ///< vgg.cpp
ZooNetPtr make_googlenet();           ///< googlenet.cpp
ZooNetPtr make_inception_v3();        ///< inception.cpp
ZooNetPtr make_squeezenet1_1();       ///< squeezenet.cpp
ZooNetPtr make_resnet50();            ///< resnet.cpp
ZooNetPtr make_resnext50_32x4d();     ///< resnet.cpp
ZooNetPtr make_densenet201();         ///< densenet.cpp
ZooNetPtr make_regnet_y_1_6gf();      ///< regnet.cpp
ZooNetPtr make_shufflenet_v2_x1_0();  ///< shufflenet.cpp
ZooNetPtr make_mobilenet_v2();        ///< mobilenet_v2.cpp
ZooNetPtr make_mnasnet1_0();          ///< mnasnet.cpp
ZooNetPtr make_mobilenet_v3_large();  ///< mobilenet_v3.cpp
ZooNetPtr make_efficientnet_b0();     ///< efficientnet.cpp
ZooNetPtr make_efficientnet_v2_s();   ///< efficientnet.cpp
ZooNetPtr make_vit_b_16();            ///< vit.cpp
ZooNetPtr make_swin_t();              ///< swin.cpp
ZooNetPtr make_convnext_base();       ///< convnext.cpp
ZooNetPtr make_maxvit_t();            ///< maxvit.cpp

}  // namespace greenbatch::engine::zoo
