// PLACEHOLDER: replaced by the real family implementation.
#include <stdexcept>
#include "families.h"
namespace greenbatch::engine::zoo {
ZooNetPtr make_mobilenet_v3_large() { throw std::logic_error("mobilenet_v3_large not implemented yet"); }
}  // namespace greenbatch::engine::zoo
