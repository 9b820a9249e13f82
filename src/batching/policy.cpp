// What the policy interface defines besides the policies: the trace names of dispatch reasons.
#include "greenbatch/batching/policy.h"

namespace greenbatch::batching {

std::string_view to_string(DispatchReason reason) {
  switch (reason) {
    case DispatchReason::none:
      return "none";
    case DispatchReason::full:
      return "full";
    case DispatchReason::preferred:
      return "preferred";
    case DispatchReason::timeout:
      return "timeout";
    case DispatchReason::deadline:
      return "deadline";
    case DispatchReason::late:
      return "late";
    case DispatchReason::closed:
      return "closed";
    case DispatchReason::ready:
      return "ready";
  }
  return "unknown";
}

}  // namespace greenbatch::batching
