#pragma once
// Rules shared by the CPU meters for naming domains and counting each joule once.

#include <vector>

#include "greenbatch/energy/meter.h"

namespace greenbatch::energy {

/// Sets `in_total` so that nested domains are not counted twice: psys covers the whole platform,
/// so when it exists only psys counts; otherwise packages and DRAM count and cores/uncore (nested
/// in their package) do not. GPU domains always count.
void assign_totals(std::vector<Domain>& domains);

}  // namespace greenbatch::energy
