// PLACEHOLDER: replaced by the real family implementation.
#include <stdexcept>
#include "families.h"
namespace greenbatch::engine::zoo {
ZooNetPtr make_googlenet() { throw std::logic_error("googlenet not implemented yet"); }
}  // namespace greenbatch::engine::zoo
