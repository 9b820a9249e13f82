// recommend --emit: the winning policy as Triton, TorchServe or greenbatch serve configuration.
#include "recommend_emit.h"

#include <fmt/format.h>

#include <cmath>

namespace greenbatch::cli {
namespace {

using batching::PolicyFamily;

std::int64_t microseconds(double ms) { return std::llround(ms * 1e3); }

std::string triton(const batching::PolicySpec& p) {
  std::string out = fmt::format("# Triton model configuration (config.pbtxt) for {}\n", p.to_string());
  switch (p.family) {
    case PolicyFamily::greedy:
      return out +
             fmt::format(
                 "# greedy: Triton's dynamic batcher with no queue delay batches whatever waits when the model is free\n"
                 "max_batch_size: {}\ndynamic_batching {{\n  max_queue_delay_microseconds: 0\n}}\n",
                 p.max_batch());
    case PolicyFamily::dynamic: {
      out += fmt::format("max_batch_size: {}\ndynamic_batching {{\n", p.max_batch());
      if (!p.preferred.empty()) out += fmt::format("  preferred_batch_size: [ {} ]\n", fmt::join(p.preferred, ", "));
      return out + fmt::format("  max_queue_delay_microseconds: {}\n}}\n", microseconds(p.delay_ms.value_or(0.0)));
    }
    case PolicyFamily::fixed:
      if (!p.delay_ms) {
        return out +
               "# not expressible: a fixed batch without a timeout waits for a full batch however long it takes;\n"
               "# Triton's dynamic batcher always dispatches after a bounded delay. Recommend with a timeout.\n";
      }
      return out + fmt::format(
                       "# fixed:B,timeout=T is Triton's batcher preferring B with a queue delay of T\n"
                       "max_batch_size: {}\ndynamic_batching {{\n  preferred_batch_size: [ {} ]\n"
                       "  max_queue_delay_microseconds: {}\n}}\n",
                       p.max_batch(), p.max_batch(), microseconds(*p.delay_ms));
    case PolicyFamily::slo:
      return out +
             "# not expressible: the slo policy waits as long as each request's deadline allows, from the\n"
             "# measured service time; Triton's batcher has only a fixed delay. Serve it with greenbatch serve.\n";
  }
  return out;
}

std::string torchserve(const batching::PolicySpec& p) {
  std::string out = fmt::format("# TorchServe model-config.yaml batch settings for {}\n", p.to_string());
  switch (p.family) {
    case PolicyFamily::greedy:
      return out + fmt::format(
                       "# greedy: no batch delay, so a batch holds what waits (up to batchSize)\n"
                       "batchSize: {}\nmaxBatchDelay: 0\n",
                       p.max_batch());
    case PolicyFamily::dynamic:
      if (!p.preferred.empty()) {
        out += fmt::format("# approximation: TorchServe has no preferred batch sizes; [{}] is dropped\n",
                           fmt::join(p.preferred, ", "));
      }
      return out + fmt::format("batchSize: {}\nmaxBatchDelay: {:g}\n", p.max_batch(), p.delay_ms.value_or(0.0));
    case PolicyFamily::fixed:
      if (!p.delay_ms) {
        return out +
               "# not expressible: a fixed batch without a timeout waits forever for a full batch;\n"
               "# TorchServe's maxBatchDelay is always finite. Recommend with a timeout.\n";
      }
      return out + fmt::format("batchSize: {}\nmaxBatchDelay: {:g}\n", p.max_batch(), *p.delay_ms);
    case PolicyFamily::slo:
      return out +
             "# not expressible: the slo policy waits as long as each request's deadline allows;\n"
             "# TorchServe has only a fixed maxBatchDelay. Serve it with greenbatch serve.\n";
  }
  return out;
}

}  // namespace

EmitTarget parse_emit_target(std::string_view name) {
  if (name == "triton") return EmitTarget::triton;
  if (name == "torchserve") return EmitTarget::torchserve;
  return EmitTarget::greenbatch;
}

bool expressible(const batching::PolicySpec& policy, EmitTarget target) {
  if (target == EmitTarget::greenbatch) return true;
  if (policy.family == PolicyFamily::slo) return false;
  return policy.family != PolicyFamily::fixed || policy.delay_ms.has_value();
}

std::string emit_policy(const batching::PolicySpec& policy, EmitTarget target, const std::string& model_flags) {
  switch (target) {
    case EmitTarget::triton:
      return triton(policy);
    case EmitTarget::torchserve:
      return torchserve(policy);
    case EmitTarget::greenbatch:
      break;
  }
  return fmt::format("greenbatch serve {} --policy {}\n", model_flags, policy.to_string());
}

}  // namespace greenbatch::cli
