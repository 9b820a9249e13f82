#pragma once
/// Test helper: the message of the exception a call throws.

#include <gtest/gtest.h>

#include <string>

namespace greenbatch::testing {

/// The message of the `Expected` exception that `f` throws (a test failure if it throws none).
template <typename Expected, typename F>
std::string message_of(F f) {
  try {
    f();
  } catch (const Expected& e) {
    return e.what();
  }
  ADD_FAILURE() << "no exception thrown";
  return {};
}

}  // namespace greenbatch::testing
