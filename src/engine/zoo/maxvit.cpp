// PLACEHOLDER: replaced by the real family implementation.
#include <stdexcept>
#include "families.h"
namespace greenbatch::engine::zoo {
ZooNetPtr make_maxvit_t() { throw std::logic_error("maxvit_t not implemented yet"); }
}  // namespace greenbatch::engine::zoo
