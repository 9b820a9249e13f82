// PLACEHOLDER: replaced by the real family implementation.
#include <stdexcept>
#include "families.h"
namespace greenbatch::engine::zoo {
ZooNetPtr make_vgg16() { throw std::logic_error("vgg16 not implemented yet"); }
}  // namespace greenbatch::engine::zoo
