// PLACEHOLDER: replaced by the real family implementation.
#include <stdexcept>
#include "families.h"
namespace greenbatch::engine::zoo {
ZooNetPtr make_densenet201() { throw std::logic_error("densenet201 not implemented yet"); }
}  // namespace greenbatch::engine::zoo
