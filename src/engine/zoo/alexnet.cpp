// PLACEHOLDER: replaced by the real family implementation.
#include <stdexcept>
#include "families.h"
namespace greenbatch::engine::zoo {
ZooNetPtr make_alexnet() { throw std::logic_error("alexnet not implemented yet"); }
}  // namespace greenbatch::engine::zoo
