// PLACEHOLDER: replaced by the real family implementation.
#include <stdexcept>
#include "families.h"
namespace greenbatch::engine::zoo {
ZooNetPtr make_efficientnet_b0() { throw std::logic_error("efficientnet_b0 not implemented yet"); }
ZooNetPtr make_efficientnet_v2_s() { throw std::logic_error("efficientnet_v2_s not implemented yet"); }
}  // namespace greenbatch::engine::zoo
