// PLACEHOLDER: replaced by the real family implementation.
#include <stdexcept>
#include "families.h"
namespace greenbatch::engine::zoo {
ZooNetPtr make_vit_b_16() { throw std::logic_error("vit_b_16 not implemented yet"); }
}  // namespace greenbatch::engine::zoo
