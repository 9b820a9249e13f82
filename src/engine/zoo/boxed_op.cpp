// Operators called through the dispatcher, boxed. Compiled on its own with -Wno-null-dereference
// (src/CMakeLists.txt): GCC 12 reports a null dereference inside LibTorch's inlined
// Dispatcher::callBoxed that cannot happen.
#include "boxed_op.h"

#include <ATen/core/dispatch/Dispatcher.h>

namespace greenbatch::engine::zoo {

BoxedOp::BoxedOp(const char* name, const char* overload) {
  if (auto handle = c10::Dispatcher::singleton().findSchema({name, overload})) handle_ = *handle;
}

void BoxedOp::call(torch::jit::Stack& stack) const { handle_->callBoxed(&stack); }

}  // namespace greenbatch::engine::zoo
