# Script mode helper of EmbedText.cmake: writes IN as a raw string literal into OUT.
file(READ ${IN} content)
file(WRITE ${OUT} "// Generated from ${IN}; do not edit.\n#include <string_view>\nnamespace greenbatch::embedded {\nstd::string_view ${SYMBOL}() {\n  static constexpr std::string_view text = R\"gbembed(${content})gbembed\";\n  return text;\n}\n}  // namespace greenbatch::embedded\n")
