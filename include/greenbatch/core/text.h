#pragma once
/// Small text helpers shared by the spec parsers (policies, arrivals, meters).

#include <string_view>
#include <vector>

namespace greenbatch {

/// The pieces of `text` between `separator`s ("a,,b" gives "a", "", "b"; "" gives one empty piece).
std::vector<std::string_view> split(std::string_view text, char separator);

}  // namespace greenbatch
