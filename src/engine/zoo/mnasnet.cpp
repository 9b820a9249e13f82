// PLACEHOLDER: replaced by the real family implementation.
#include <stdexcept>
#include "families.h"
namespace greenbatch::engine::zoo {
ZooNetPtr make_mnasnet1_0() { throw std::logic_error("mnasnet1_0 not implemented yet"); }
}  // namespace greenbatch::engine::zoo
