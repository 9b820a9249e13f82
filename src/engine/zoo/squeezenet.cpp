// PLACEHOLDER: replaced by the real family implementation.
#include <stdexcept>
#include "families.h"
namespace greenbatch::engine::zoo {
ZooNetPtr make_squeezenet1_1() { throw std::logic_error("squeezenet1_1 not implemented yet"); }
}  // namespace greenbatch::engine::zoo
