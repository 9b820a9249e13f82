#pragma once
/// Internal to cli: a recommended policy written for a serving system — a Triton config.pbtxt
/// dynamic_batching block, TorchServe batch settings, or the greenbatch serve command line —
/// saying plainly what the target cannot express.

#include <string>
#include <string_view>

#include "greenbatch/batching/policy_spec.h"

namespace greenbatch::cli {

/// The serving systems recommend --emit writes for.
enum class EmitTarget { triton, torchserve, greenbatch };

/// The valid --emit values, in order.
inline constexpr const char* kEmitTargets[] = {"triton", "torchserve", "greenbatch"};

/// The target named `name` (one of kEmitTargets; the flag checks it).
EmitTarget parse_emit_target(std::string_view name);

/// Whether `target` can express `policy` (slo never; fixed only with a timeout for Triton and
/// TorchServe; TorchServe drops dynamic's preferred sizes, an approximation it still counts).
bool expressible(const batching::PolicySpec& policy, EmitTarget target);

/// `policy` as `target` configures it. `model_flags` is the serve command's model selection
/// (e.g. "--model shufflenet_v2_x1_0"). Lines starting with '#' explain approximations and what
/// the target cannot express.
std::string emit_policy(const batching::PolicySpec& policy, EmitTarget target, const std::string& model_flags);

}  // namespace greenbatch::cli
