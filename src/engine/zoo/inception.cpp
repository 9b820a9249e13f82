// PLACEHOLDER: replaced by the real family implementation.
#include <stdexcept>
#include "families.h"
namespace greenbatch::engine::zoo {
ZooNetPtr make_inception_v3() { throw std::logic_error("inception_v3 not implemented yet"); }
}  // namespace greenbatch::engine::zoo
