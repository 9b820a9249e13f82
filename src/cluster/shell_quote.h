#pragma once
// Quoting for POSIX shells, shared by the script writer and the sbatch call.

#include <string>
#include <string_view>

namespace greenbatch::cluster {

/// `text` as one shell word: in single quotes, each ' written as '\''.
inline std::string shell_quote(std::string_view text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace greenbatch::cluster
