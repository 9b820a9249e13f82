// Counting each joule once across nested CPU domains.
#include "domains.h"

#include <algorithm>

namespace greenbatch::energy {

void assign_totals(std::vector<Domain>& domains) {
  const bool has_psys = std::ranges::any_of(domains, [](const Domain& d) { return d.kind == DomainKind::psys; });
  for (auto& d : domains) {
    switch (d.kind) {
      case DomainKind::psys:
        d.in_total = true;
        break;
      case DomainKind::package:
      case DomainKind::dram:
        d.in_total = !has_psys;
        break;
      case DomainKind::cores:
      case DomainKind::uncore:
        d.in_total = false;
        break;
      case DomainKind::gpu:
        d.in_total = true;
        break;
    }
  }
}

}  // namespace greenbatch::energy
