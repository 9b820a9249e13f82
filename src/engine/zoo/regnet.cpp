// PLACEHOLDER: replaced by the real family implementation.
#include <stdexcept>
#include "families.h"
namespace greenbatch::engine::zoo {
ZooNetPtr make_regnet_y_1_6gf() { throw std::logic_error("regnet_y_1_6gf not implemented yet"); }
}  // namespace greenbatch::engine::zoo
