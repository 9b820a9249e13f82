#pragma once
/// Small text helpers the tests share: substring checks and whole-file reads.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace greenbatch::testing {

/// Whether `part` occurs in `text`.
inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// The whole content of `file` (empty when it cannot be read), bytes as they are.
inline std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace greenbatch::testing
