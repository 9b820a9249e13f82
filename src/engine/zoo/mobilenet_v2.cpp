// PLACEHOLDER: replaced by the real family implementation.
#include <stdexcept>
#include "families.h"
namespace greenbatch::engine::zoo {
ZooNetPtr make_mobilenet_v2() { throw std::logic_error("mobilenet_v2 not implemented yet"); }
}  // namespace greenbatch::engine::zoo
