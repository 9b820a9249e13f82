// PLACEHOLDER: replaced by the real family implementation.
#include <stdexcept>
#include "families.h"
namespace greenbatch::engine::zoo {
ZooNetPtr make_convnext_base() { throw std::logic_error("convnext_base not implemented yet"); }
}  // namespace greenbatch::engine::zoo
