// PLACEHOLDER: replaced by the real family implementation.
#include <stdexcept>
#include "families.h"
namespace greenbatch::engine::zoo {
ZooNetPtr make_resnet50() { throw std::logic_error("resnet50 not implemented yet"); }
ZooNetPtr make_resnext50_32x4d() { throw std::logic_error("resnext50_32x4d not implemented yet"); }
}  // namespace greenbatch::engine::zoo
