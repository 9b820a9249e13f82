// PLACEHOLDER: replaced by the real family implementation.
#include <stdexcept>
#include "families.h"
namespace greenbatch::engine::zoo {
ZooNetPtr make_swin_t() { throw std::logic_error("swin_t not implemented yet"); }
}  // namespace greenbatch::engine::zoo
